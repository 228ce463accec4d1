package org.vmlab.vmm;

import org.vmlab.machine.device.DeviceConfig;

/**
 * What a VM is given.
 *
 * @param name        its name, in reports and as the owner of its machine frames
 * @param memoryBytes guest-physical memory (RAM) the guest sees, a multiple of 4 KiB
 * @param frameLimit  the most machine frames the VM may hold (its resource limit)
 * @param fuel        guest instructions after which the VMM stops the VM
 * @param devices     its emulated devices' configuration
 */
public record VmConfig(String name, int memoryBytes, int frameLimit, long fuel, DeviceConfig devices) {
    /** Enough for toyos: 16 MiB of guest memory, all of which it may use; 50 million instructions. */
    public static final int DEFAULT_MEMORY = 16 << 20;
    public static final long DEFAULT_FUEL = 50_000_000L;

    public VmConfig {
        if (memoryBytes <= 0 || memoryBytes % 4096 != 0) {
            throw new IllegalArgumentException(
                    "guest memory must be a positive multiple of 4096 bytes, was " + memoryBytes);
        }
        if (frameLimit <= 0) {
            throw new IllegalArgumentException("a VM needs a frame limit above 0, was " + frameLimit);
        }
        if (fuel <= 0) {
            throw new IllegalArgumentException("fuel must be positive, was " + fuel);
        }
    }

    /** A VM named {@code name} with the defaults: 16 MiB, no limit below that, default devices. */
    public static VmConfig named(String name) {
        return new VmConfig(name, DEFAULT_MEMORY, DEFAULT_MEMORY / 4096, DEFAULT_FUEL,
                DeviceConfig.defaults());
    }

    public VmConfig withFuel(long newFuel) {
        return new VmConfig(name, memoryBytes, frameLimit, newFuel, devices);
    }

    public VmConfig withFrameLimit(int frames) {
        return new VmConfig(name, memoryBytes, frames, fuel, devices);
    }

    public VmConfig withDevices(DeviceConfig newDevices) {
        return new VmConfig(name, memoryBytes, frameLimit, fuel, newDevices);
    }
}
