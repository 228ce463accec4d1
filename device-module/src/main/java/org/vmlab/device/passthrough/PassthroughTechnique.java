package org.vmlab.device.passthrough;

import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;

/**
 * {@code passthrough}: the machine's disk and network interface assigned to the VM, confined by
 * the IOMMU ({@link Passthrough}). The hosting model changes nothing: no device work runs outside
 * the guest.
 */
public final class PassthroughTechnique implements DeviceTechnique {
    @Override
    public String name() {
        return "passthrough";
    }

    @Override
    public String description() {
        return "the real disk and NIC assigned to the VM, DMA confined by the IOMMU, no exit per access";
    }

    @Override
    public DeviceVirtualization create(Hosting hosting) {
        return Passthrough.confined();
    }
}
