package org.vmlab.cpu.trapemulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Trap-and-emulate's mechanism: run the deprivileged guest directly, and classify what stopped it.
 * A #GP on a privileged instruction is the VMM's to emulate (with the instruction decoded); any
 * other trap is the guest's own. What to do with each exit is the {@link TrapHandler}'s, a test
 * double here that only records.
 */
class TrapAndEmulateTest {
    private final List<Exit> handled = new ArrayList<>();
    private final TrapAndEmulate technique = new TrapAndEmulate((vm, exit) -> handled.add(exit));

    private VirtualMachine kernel(String body) {
        return TinyVm.withKernel(IsaVariant.CLASSIC, technique, body);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'cli',               privileged instruction, CLI",
        "'sti',               privileged instruction, STI",
        "'mtcr cr3, r1',      privileged instruction, MTCR",
        "'lidt r1',           privileged instruction, LIDT",
        "'in r1, 0x3F8',      io access,              IN",
        "'out 0x3F8, r1',     io access,              OUT",
        "'hlt',               halt,                   HLT",
    })
    void aGeneralProtectionFaultOnAPrivilegedInstructionExitsWithTheDecodedInstruction(
            String instruction, String kind, Opcode opcode) {
        VirtualMachine vm = kernel("    nop\n    " + instruction + "\n    nop\n");

        Exit exit = technique.run(vm, 100);

        assertThat(exit.kind()).isEqualTo(kind);
        assertThat(exit.pc()).isEqualTo(TinyVm.KERNEL_BASE + 4);
        assertThat(exit).isInstanceOf(InstructionExit.class);
        assertThat(((InstructionExit) exit).instruction().opcode()).isEqualTo(opcode);
        assertThat(vm.vcpu().instructions()).as("the nop before it ran; it did not").isEqualTo(1);
    }

    @Test
    void theDecodedInstructionKeepsItsOperands() {
        VirtualMachine vm = kernel("    out 0x3F8, r5\n");

        Exit.IoAccess exit = (Exit.IoAccess) technique.run(vm, 100);

        assertThat(exit.instruction().rb()).as("source register").isEqualTo(5);
        assertThat(exit.instruction().imm()).as("port").isEqualTo(0x3F8);
    }

    @Test
    void aPrivilegedInstructionInGuestUserModeIsStillClassifiedForTheHandlerToReflect() {
        VirtualMachine vm = kernel("    cli\n");
        TinyVm.enterRing(vm, 3);

        Exit exit = technique.run(vm, 100);

        assertThat(exit).isInstanceOf(Exit.PrivilegedInstruction.class);
        assertThat(vm.vcpu().virtualRing()).isEqualTo(3);
    }

    @Test
    void aGeneralProtectionFaultThatIsNotAPrivilegedInstructionIsAnExceptionForTheGuest() {
        VirtualMachine vm = kernel("""
                    li r1, 0x00F00000
                    jr r1
                """);   // a fetch beyond RAM: #GP, and no instruction there to decode

        Exit exit = technique.run(vm, 100);

        assertThat(exit).isEqualTo(new Exit.GuestException(0x00F0_0000, Vector.GENERAL_PROTECTION, 0));
    }

    @Test
    void onTheLegacyIsaASensitiveButUnprivilegedInstructionDoesNotTrapAtAll() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.LEGACY, technique, """
                    li sp, 0x8000
                    pushf
                    pop r1
                    cli
                """);

        Exit.PrivilegedInstruction exit = (Exit.PrivilegedInstruction) technique.run(vm, 100);

        assertThat(exit.instruction().opcode()).as("pushf ran unseen; cli trapped").isEqualTo(Opcode.CLI);
        assertThat(exit.pc()).isEqualTo(TinyVm.KERNEL_BASE + 16);
        assertThat(vm.vcpu().register(1) & Registers.CPL_MASK).as("pushf revealed the real ring 1")
                .isEqualTo(1 << Registers.CPL_SHIFT);
    }

    @Test
    void aPageFaultExitCarriesTheAddressAndTheErrorCode() {
        VirtualMachine vm = kernel("""
                    li r1, %d
                    sw r2, 8(r1)
                """.formatted(NetworkInterface.BASE));

        Exit.PageFault exit = (Exit.PageFault) technique.run(vm, 100);

        assertThat(exit.address()).isEqualTo(NetworkInterface.BASE + 8);
        assertThat(exit.errorCode() & Vector.PF_WRITE).as("a write").isNotZero();
        assertThat(exit.errorCode() & Vector.PF_USER).as("from the (supervisor) kernel").isZero();
        assertThat(exit.pc()).isEqualTo(TinyVm.KERNEL_BASE + 8);
    }

    @Test
    void anOtherExceptionIsAnExceptionExit() {
        VirtualMachine vm = kernel("    div r1, r2, r0\n");

        Exit exit = technique.run(vm, 100);

        assertThat(exit).isEqualTo(new Exit.GuestException(TinyVm.KERNEL_BASE, Vector.DIVIDE_ERROR, 0));
    }

    @Test
    void anIntIsASoftwareInterruptExit() {
        VirtualMachine vm = kernel("    nop\n    int 0x80\n");

        Exit exit = technique.run(vm, 100);

        assertThat(exit).isEqualTo(new Exit.SoftwareInterrupt(TinyVm.KERNEL_BASE + 4, 0x80));
    }

    @Test
    void aBudgetThatRunsOutIsATimerExitAtTheNextInstruction() {
        VirtualMachine vm = kernel("    nop\n    nop\n    nop\n    cli\n");

        Exit exit = technique.run(vm, 2);

        assertThat(exit).isEqualTo(new Exit.Timer(TinyVm.KERNEL_BASE + 8));
        assertThat(vm.vcpu().directInstructions()).isEqualTo(2);
    }

    // --- handle: charged, then the handler's -------------------------------------------------------

    @Test
    void handlingAnExitChargesTheEventAndLeavesTheDecisionToTheHandler() {
        VirtualMachine vm = kernel("    out 0x3F8, r1\n");
        Exit exit = technique.run(vm, 100);

        vm.exitHandlers().handle(vm, exit);

        assertThat(handled).containsExactly(exit);
        assertThat(vm.counters().events(CoreEvent.TRAP_AND_EMULATE)).isEqualTo(1);
        assertThat(vm.counters().events(CoreEvent.DEVICE_EMULATION)).isEqualTo(1);
    }

    @Test
    void aReflectedTrapIsChargedAsAReflection() {
        VirtualMachine vm = kernel("    int 0x80\n");

        vm.exitHandlers().handle(vm, technique.run(vm, 100));

        assertThat(vm.counters().events(CoreEvent.REFLECTION)).isEqualTo(1);
        assertThat(vm.counters().events(CoreEvent.TRAP_AND_EMULATE)).isZero();
    }

    @Test
    void itRegistersHandlersForExactlyTheExitsItRaises() {
        VirtualMachine vm = kernel("    nop\n");

        assertThat(List.of(Exit.PrivilegedInstruction.class, Exit.IoAccess.class, Exit.Halt.class,
                Exit.GuestException.class, Exit.SoftwareInterrupt.class))
                .allMatch(vm.exitHandlers()::handles);
        assertThat(vm.exitHandlers().handles(Exit.Hypercall.class)).as("the core's").isTrue();
    }

    @Test
    void aSecondTechniqueClaimingTheSameExitsIsRefused() {
        VirtualMachine vm = kernel("    nop\n");

        assertThatThrownBy(() -> new TrapAndEmulate((v, exit) -> { }).attach(vm))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already handles them");
        assertThat(handled).isEmpty();
    }
}
