package org.vmlab.device.emulated;

import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;

/** {@code emulated}: hypervisor-direct device emulation ({@link EmulatedDevices}). */
public final class EmulatedTechnique implements DeviceTechnique {
    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public String description() {
        return "hypervisor-direct: every device register access exits and a device model emulates it";
    }

    @Override
    public DeviceVirtualization create(Hosting hosting) {
        return new EmulatedDevices(hosting);
    }
}
