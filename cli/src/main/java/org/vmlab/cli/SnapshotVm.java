package org.vmlab.cli;

import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The one VM that {@code snapshot} takes and {@code restore} puts back, on a host of its own
 * built as {@code run} builds one ({@link SingleVm#hostConfig}), and its program booted as
 * {@code run} boots it.
 */
final class SnapshotVm {
    private SnapshotVm() {
    }

    /** A fresh VM of {@code config} under the techniques, on a host of its own. */
    static VirtualMachine create(CpuTechnique cpu, MemoryTechnique memory, DeviceTechnique devices, Hosting hosting,
            IsaVariant isa, VmConfig config) {
        Hypervisor host = new Hypervisor(SingleVm.hostConfig(cpu, memory, isa, 1).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        try {
            return host.create(config, cpu.create(), memory.create(),
                    devices == null ? DeviceVirtualization.emulated() : devices.create(hosting));
        } catch (IllegalStateException refused) {
            // a device model that cannot serve this VM says why
            throw new UserError("--devices " + devices.name() + ": " + refused.getMessage());
        }
    }

    /** Loads {@code image} into {@code vm}: toyos with its workload, another program as it is. */
    static void boot(VirtualMachine vm, String program, Image image, String workload) {
        if (program.equals(Programs.TOYOS)) {
            Toyos.boot(vm, image, workload);
        } else {
            vm.load(image);
        }
    }

    /** Loads {@code image} into the bare machine, as {@link #boot(VirtualMachine, String, Image, String)} into a VM. */
    static void boot(Machine machine, String program, Image image, String workload) {
        if (program.equals(Programs.TOYOS)) {
            Toyos.boot(machine, image, workload);
        } else {
            machine.load(image);
        }
    }
}
