package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab4.ParavirtTechnique;
import org.vmlab.labs.lab4.PvMmuTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The paravirtual toyos, on the reference paravirtual CPU and MMU (Lab 4), does observably what
 * the native toyos does on bare metal: every workload, on both ISA variants (a paravirtual kernel
 * needs no trapping popf, so the legacy ISA serves as well). The graded test checks the legacy
 * one.
 */
class ParavirtualToyosTest {
    static Stream<Arguments> workloadsOnBothVariants() {
        return Toyos.workloads().stream()
                .flatMap(w -> Stream.of(Arguments.of(w, IsaVariant.CLASSIC), Arguments.of(w, IsaVariant.LEGACY)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("workloadsOnBothVariants")
    void everyWorkloadIsObservablyEquivalentToTheNativeKernelOnBareMetal(String workload, IsaVariant isa) {
        Machine bare = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(bare, Toyos.image(Toyos.Flavor.NATIVE), workload);
        RunResult nativeRun = bare.run();
        CpuTechnique cpu = new ParavirtTechnique();
        MemoryTechnique memory = new PvMmuTechnique();

        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(32 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL), cpu.create(), memory.create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT), workload);
        RunResult paravirtual = vm.run();

        assertThat(paravirtual.stopReason()).as(paravirtual.stopDetail() + "\n" + paravirtual.console())
                .isEqualTo(StopReason.HALT);
        assertThat(paravirtual.console()).isEqualTo(Toyos.expectedOutput(workload));
        Equivalence.Verdict verdict = Equivalence.compare(nativeRun, paravirtual, Equivalence.Level.OBSERVABLE);
        assertThat(verdict.differences()).isEmpty();
        assertThat(verdict.level()).isEqualTo(Equivalence.Level.OBSERVABLE);
    }

    @Test
    void theSolutionsRegisterParavirtAndPvMmuAsTechniquesForAParavirtualKernel() {
        Techniques techniques = Techniques.installed(getClass().getClassLoader());
        CpuTechnique cpu = techniques.cpu("paravirt").orElseThrow();
        MemoryTechnique memory = techniques.memory("pv-mmu").orElseThrow();

        assertThat(cpu.paravirtual()).isTrue();
        assertThat(cpu.description()).doesNotContain("\n");
        assertThat(cpu.create()).isNotSameAs(cpu.create());
        assertThat(memory.ownsTheMachine()).isFalse();
        assertThat(memory.description()).doesNotContain("\n");
        assertThat(memory.create()).isNotSameAs(memory.create());
    }

    /**
     * The paravirtual system-call entry is a fast trap, which cannot mask events as it is entered
     * (docs/paravirt.md, "Fast system calls"): its first instructions mask them. An event that
     * comes before they have (an exit there, with an event pending) is not taken in the kernel:
     * the upcall goes back to the entry with events masked and the event still pending, and it is
     * taken when the system call returns to user mode, as the native kernel takes its interrupt.
     */
    @Test
    void anEventBeforeTheSystemCallEntryHasMaskedItWaitsUntilTheCallReturnsToUserMode() {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().fuel(Long.MAX_VALUE).memoryBytes(32 << 20).build(),
                VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL),
                new ParavirtTechnique().create(), new PvMmuTechnique().create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT), "syscall");
        SharedInfo shared = new SharedInfo(vm.memory(),
                ((Paravirtualization) vm.cpuVirtualization()).startInfo().sharedInfo());
        int entry = vm.symbols().address("vec_syscall").orElseThrow();
        int masked = vm.symbols().address("vec_syscall_masked").orElseThrow();
        int take = vm.symbols().address("vec_upcall_take").orElseThrow();
        vm.switchIn();
        while (!(vm.vcpu().pc() > entry && vm.vcpu().pc() < masked)) {
            vm.runSlice(1);   // an exit after every instruction, up to the entry's window
        }
        int timerPort = vm.memory().readWord(vm.symbols().address("port_timer").orElseThrow());
        assertThat(shared.upcallMask()).as("events not masked yet").isFalse();
        shared.setPendingPorts(shared.pendingPorts() | 1 << timerPort);   // a timer event, as raised
        shared.setUpcallPending(true);

        int takenFlags = -1;
        boolean backInTheWindowMasked = false;
        while (takenFlags < 0 && !vm.vcpu().stopped()) {
            vm.runSlice(1);
            int pc = vm.vcpu().pc();
            if (pc > entry && pc < masked && !vm.vcpu().virtualInterruptsEnabled()) {
                backInTheWindowMasked = true;
            }
            if (pc == take) {   // the upcall's frame: r2, r1, the error code, pc, FLAGS
                takenFlags = vm.guestMemory().readWord(vm.vcpu().register(Registers.SP) + 16, 0);
            }
        }
        vm.switchOut();
        RunResult rest = vm.run();   // on to the end

        assertThat(backInTheWindowMasked).as("the upcall went back to the entry, events masked").isTrue();
        assertThat(takenFlags >>> Registers.CPL_SHIFT & 3).as("the event was taken in user mode").isEqualTo(3);
        assertThat(rest.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(rest.console()).isEqualTo(Toyos.expectedOutput("syscall"));
    }
}
