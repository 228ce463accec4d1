package org.vmlab.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Direct execution: the guest runs on the real CPU, deprivileged, for at most its budget; what ran
 * is retired on the vCPU as run directly, and what stopped it becomes an exit.
 */
class DirectExecutionTest {
    private static final String COUNTING_LOOP = """
                addi r1, r0, 0
            loop:
                addi r1, r1, 1
                jmp loop
            """;

    @Test
    void runsExactlyTheBudgetAndRetiresItAsDirectInstructions() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, null, COUNTING_LOOP);

        Trap trap = DirectExecution.run(vm, 7);

        assertThat(trap).as("the budget ran out: no trap").isNull();
        assertThat(vm.vcpu().instructions()).isEqualTo(7);
        assertThat(vm.vcpu().directInstructions()).isEqualTo(7);
        assertThat(vm.vcpu().register(1)).as("addi r1,0; then 3 passes of addi, jmp").isEqualTo(3);
    }

    @Test
    void stopsAtTheFirstTrapAndRetiresOnlyWhatRanBeforeIt() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, null, """
                    addi r1, r0, 1
                    addi r2, r0, 2
                    cli
                    addi r3, r0, 3
                """);

        Trap trap = DirectExecution.run(vm, 100);

        assertThat(trap).isNotNull();
        assertThat(trap.kind()).isEqualTo(Trap.Kind.FAULT);
        assertThat(trap.vector()).as("cli in ring 1 on classic").isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(trap.pc()).isEqualTo(TinyVm.KERNEL_BASE + 8);
        assertThat(vm.vcpu().directInstructions()).as("the cli did not retire").isEqualTo(2);
        assertThat(vm.vcpu().register(3)).isZero();
    }

    @Test
    void aTrapExitCarriesThePcOfTheInstructionThatTrapped() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, null, """
                    addi r1, r0, 0
                    div r2, r1, r1
                """);

        Exit exit = DirectExecution.exitFor(DirectExecution.run(vm, 100));

        assertThat(exit).isEqualTo(new Exit.GuestException(TinyVm.KERNEL_BASE + 4, Vector.DIVIDE_ERROR, 0));
        assertThat(exit).as("exitFor decodes nothing").isNotInstanceOf(InstructionExit.class);
    }

    // --- exitFor: what the trap alone tells --------------------------------------------------------

    @Property
    void aPageFaultBecomesAPageFaultExitWithItsAddressAndErrorCode(@ForAll int pc, @ForAll int address,
            @ForAll @IntRange(max = 31) int errorCode) {
        Exit exit = DirectExecution.exitFor(new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT, errorCode, address, pc, pc));

        assertThat(exit).isEqualTo(new Exit.PageFault(pc, address, errorCode));
    }

    @Property
    void everyOtherFaultIsAnExceptionForTheGuest(@ForAll @IntRange(max = 31) int vector, @ForAll int pc,
            @ForAll @IntRange(max = 0xFFFF) int errorCode) {
        if (vector == Vector.PAGE_FAULT) {
            return;
        }
        Exit exit = DirectExecution.exitFor(new Trap(Trap.Kind.FAULT, vector, errorCode, 0, pc, pc));

        assertThat(exit).isEqualTo(new Exit.GuestException(pc, vector, errorCode));
    }

    @Property
    void anIntIsASoftwareInterruptAtTheIntItself(@ForAll @IntRange(max = 255) int vector, @ForAll int pc) {
        Exit exit = DirectExecution.exitFor(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, vector, 0, 0, pc, pc + 4));

        assertThat(exit).isEqualTo(new Exit.SoftwareInterrupt(pc, vector));
    }

    @Test
    void anInterruptOfTheRealMachineIsAnExternalInterruptExitWithItsVector() {
        Exit exit = DirectExecution.exitFor(new Trap(Trap.Kind.INTERRUPT, Vector.IRQ_BASE, 0, 0, 0x1234, 0x1234));

        assertThat(exit).isEqualTo(new Exit.ExternalInterrupt(0x1234, Vector.IRQ_BASE));
    }

    @Test
    void aGuestThatStopsTheRealMachineIsTheVmmsBug() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, null, "    nop\n");
        vm.host().cpu().setExitControls(ExitControls.NONE);   // no monitor: a trap would run the (absent) handler
        vm.host().cpu().setPc(0x00F0_0000);    // beyond RAM: the fetch faults, and no gate catches it

        assertThatThrownBy(() -> DirectExecution.run(vm, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the guest stopped the real machine");
    }
}
