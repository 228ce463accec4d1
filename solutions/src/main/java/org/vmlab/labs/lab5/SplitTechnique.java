package org.vmlab.labs.lab5;

import org.vmlab.device.split.SplitDrivers;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;

/**
 * Registers the split device drivers ({@link SplitDrivers}), with Lab 5's ring rules, under the name
 * {@code split}. Its front ends are part of a paravirtual kernel, so the guest must be built for it.
 */
public final class SplitTechnique implements DeviceTechnique {
    @Override
    public String name() {
        return "split";
    }

    @Override
    public String description() {
        return "split drivers: the guest's front ends share rings with back ends in domain 0, one trip per batch"
                + " (a paravirtual kernel; Lab 5)";
    }

    @Override
    public DeviceVirtualization create(Hosting hosting) {
        return new SplitDrivers(hosting, new SplitRingRules());
    }

    @Override
    public boolean paravirtual() {
        return true;
    }
}
