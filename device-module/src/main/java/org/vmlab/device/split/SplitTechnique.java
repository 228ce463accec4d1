package org.vmlab.device.split;

import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;

/**
 * {@code split}: split device drivers ({@link SplitDrivers}), the reference ring rules. Its front
 * ends are part of a paravirtual kernel, so the guest must be built for it.
 */
public final class SplitTechnique implements DeviceTechnique {
    @Override
    public String name() {
        return "split";
    }

    @Override
    public String description() {
        return "split drivers: the guest's front ends share rings with back ends in domain 0, one trip per batch";
    }

    @Override
    public DeviceVirtualization create(Hosting hosting) {
        return new SplitDrivers(hosting);
    }

    @Override
    public boolean paravirtual() {
        return true;
    }
}
