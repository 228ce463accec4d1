package org.vmlab.cli;

import java.util.function.Consumer;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** One guest in one VM under a pair of techniques, on a machine of its own: what the tables run. */
final class SingleVm {
    private SingleVm() {
    }

    /**
     * The machine memory that {@code vms} VMs need under {@code memory}: a technique that gives one
     * VM the whole machine (identity paging) gets exactly its guest memory; otherwise each VM's 16 MiB
     * and the VMM's own frames (shadow page tables) fit, with room to spare.
     */
    static int machineBytes(MemoryTechnique memory, int vms) {
        if (memory.ownsTheMachine()) {
            return VmConfig.DEFAULT_MEMORY;
        }
        return Math.max(32, 16 * (vms + 1)) << 20;
    }

    /**
     * The machine memory that {@code vms} VMs need under {@code cpu} and {@code memory}: as
     * {@link #machineBytes(MemoryTechnique, int)}, and, for a technique that uses the machine's
     * hardware assistance on a machine the VM owns, one page more for the vCPU's VMCS.
     */
    static int machineBytes(CpuTechnique cpu, MemoryTechnique memory, int vms) {
        int bytes = machineBytes(memory, vms);
        return cpu.needsVt() && memory.ownsTheMachine() ? bytes + Vmcs.SIZE : bytes;
    }

    /** The host machine for {@code vms} VMs under {@code cpu} and {@code memory}: vt on if {@code cpu} needs it. */
    static MachineConfig.Builder hostConfig(CpuTechnique cpu, MemoryTechnique memory, IsaVariant isa, int vms) {
        return MachineConfig.builder().isa(isa).memoryBytes(machineBytes(cpu, memory, vms)).vt(cpu.needsVt());
    }

    /** Builds the VM, lets {@code boot} load it, runs it to the end, and says what it did. */
    static RunResult run(CpuTechnique cpu, MemoryTechnique memory, IsaVariant isa, long fuel,
            Consumer<VirtualMachine> boot) {
        Hypervisor vmm = new Hypervisor(hostConfig(cpu, memory, isa, 1).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(fuel), cpu.create(), memory.create());
        boot.accept(vm);
        return vm.run();
    }
}
