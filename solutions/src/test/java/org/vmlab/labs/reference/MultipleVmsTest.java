package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** Several VMs share one machine, each within its memory limit, each as if alone on bare metal. */
class MultipleVmsTest {
    private static final TrapAndEmulateTechnique CPU = new TrapAndEmulateTechnique();
    private static final ShadowPagingTechnique MEMORY = new ShadowPagingTechnique();

    @Test
    void vmsTakingTurnsOnOneMachineEachRunAsOnBareMetal() {
        Hypervisor vmm = hypervisor();
        VirtualMachine first = boot(vmm, VmConfig.named("first").withFuel(Toyos.FUEL), "ctxswitch");
        VirtualMachine second = boot(vmm, VmConfig.named("second").withFuel(Toyos.FUEL), "disk");

        vmm.run();

        assertThat(Equivalence.compare(bare("ctxswitch"), first.result()).differences()).isEmpty();
        assertThat(Equivalence.compare(bare("disk"), second.result()).differences()).isEmpty();
        assertThat(vmm.worldSwitches()).as("the slices alternate").isGreaterThan(2);
    }

    @Test
    void aVmThatOutgrowsItsMemoryLimitIsStoppedAndTheOthersGoOn() {
        Hypervisor vmm = hypervisor();
        VirtualMachine greedy = boot(vmm, VmConfig.named("greedy").withFuel(Toyos.FUEL).withFrameLimit(40), "pagefault");
        VirtualMachine other = boot(vmm, VmConfig.named("other").withFuel(Toyos.FUEL), "syscall");

        vmm.run();

        assertThat(greedy.result().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
        assertThat(greedy.result().stopDetail()).contains("beyond its limit of 40 machine frames");
        assertThat(greedy.memory().framesInUse()).isLessThanOrEqualTo(40);
        assertThat(Equivalence.compare(bare("syscall"), other.result()).differences()).isEmpty();
    }

    private static Hypervisor hypervisor() {
        return new Hypervisor(MachineConfig.builder().memoryBytes(48 << 20).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
    }

    private static VirtualMachine boot(Hypervisor vmm, VmConfig config, String workload) {
        VirtualMachine vm = vmm.create(config, CPU.create(), MEMORY.create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }

    private static RunResult bare(String workload) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return machine.run();
    }
}
