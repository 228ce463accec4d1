package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmInstructionError;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;

/**
 * VM entry: the checks that refuse it with their VM-instruction error numbers, having entered
 * nothing; event injection; and the guest in ring 0 of non-root mode, whose sensitive
 * instructions act on its own state without exiting, on both ISA variants (docs/isa.md,
 * "Hardware-assisted virtualization").
 */
class VtEntryTest {

    // --- entry failures ------------------------------------------------------------------------

    /** The run failed as an instruction: error {@code error}, nothing loaded, still root mode. */
    private static void assertFailedWith(VtBench vt, StopReason stop, int error) {
        assertThat(stop).isEqualTo(StopReason.VM_ENTRY_FAILED);
        assertThat(vt.get(VmcsField.VM_INSTRUCTION_ERROR)).isEqualTo(error);
        assertNothingEntered(vt);
    }

    private static void assertNothingEntered(VtBench vt) {
        assertThat(vt.cpu().inNonRootMode()).isFalse();
        assertThat(vt.cpu().instructions()).isZero();
        assertThat(vt.r(1)).as("the guest's first instruction did not run").isZero();
        assertThat(vt.get(VmcsField.GUEST_PC)).isEqualTo(Bench.CODE);
    }

    private static VtBench guestThatWouldRun() {
        VtBench vt = VtBench.classic();
        vt.code(rri(Opcode.ADDI, 1, 0, 1), i(Opcode.VMCALL));
        return vt;
    }

    static Stream<Arguments> invalidControls() {
        return Stream.of(
                Arguments.of("a reserved pin-based control", (Consumer<VtBench>) vt -> vt.set(VmcsField.PIN_BASED_CONTROLS, 1 << 3)),
                Arguments.of("a reserved processor-based control", (Consumer<VtBench>) vt -> vt.set(VmcsField.PROCESSOR_BASED_CONTROLS, 1)),
                Arguments.of("a reserved exit control", (Consumer<VtBench>) vt -> vt.set(VmcsField.VM_EXIT_CONTROLS, 1 << 9)),
                Arguments.of("any entry control", (Consumer<VtBench>) vt -> vt.set(VmcsField.VM_ENTRY_CONTROLS, 1 << 9)),
                Arguments.of("an I/O bitmap outside RAM", (Consumer<VtBench>) vt -> vt
                        .set(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_USE_IO_BITMAPS)
                        .set(VmcsField.IO_BITMAP_B, 0x7FFF0000)),
                Arguments.of("an injected exception above 31", (Consumer<VtBench>) vt -> vt.set(
                        VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(40, VmxControls.TYPE_HARDWARE_EXCEPTION, false))),
                Arguments.of("an injected event of an unknown type", (Consumer<VtBench>) vt -> vt.set(
                        VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(40, 2, false))),
                Arguments.of("an injected interrupt with an error code", (Consumer<VtBench>) vt -> vt.set(
                        VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(40, VmxControls.TYPE_EXTERNAL_INTERRUPT, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidControls")
    void invalidControlsFailTheEntryWithError7(String what, Consumer<VtBench> breakIt) {
        VtBench vt = guestThatWouldRun();
        breakIt.accept(vt);
        assertFailedWith(vt, vt.launch(), VmInstructionError.ENTRY_INVALID_CONTROL_FIELDS);
        assertThat(vt.vmcs.launched()).isFalse();
    }

    @Test
    void invalidHostStateFailsTheEntryWithError8() {
        VtBench vt = guestThatWouldRun();
        vt.set(VmcsField.HOST_PC, VtBench.HOST + 2);
        assertFailedWith(vt, vt.launch(), VmInstructionError.ENTRY_INVALID_HOST_STATE);

        VtBench cr3 = guestThatWouldRun();
        cr3.set(VmcsField.HOST_CR3, 0x1234);
        assertFailedWith(cr3, cr3.launch(), VmInstructionError.ENTRY_INVALID_HOST_STATE);
    }

    @Test
    void launchTwiceAndResumeBeforeLaunchFailWithErrors4And5() {
        VtBench vt = guestThatWouldRun();
        assertFailedWith(vt, vt.resume(), VmInstructionError.VMRESUME_NON_LAUNCHED_VMCS);

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
        long retired = vt.cpu().instructions();
        assertThat(vt.launch()).isEqualTo(StopReason.VM_ENTRY_FAILED);
        assertThat(vt.get(VmcsField.VM_INSTRUCTION_ERROR)).isEqualTo(VmInstructionError.VMLAUNCH_NON_CLEAR_VMCS);
        assertThat(vt.cpu().instructions()).isEqualTo(retired);

        assertThat(vt.cpu().vmclear(VtBench.VMCS)).isZero();
        assertThat(vt.cpu().currentVmcs()).as("vmclear makes it not current").isNull();
        assertThat(vt.launch()).as("no current VMCS: VMfailInvalid").isEqualTo(StopReason.VM_ENTRY_FAILED);
        assertThat(vt.cpu().vmptrld(VtBench.VMCS)).isZero();
        assertThat(vt.launch()).as("clear again").isEqualTo(StopReason.VM_EXIT);
    }

    @Test
    void vmptrldRefusesABadAddressAndABadRevision() {
        VtBench vt = VtBench.classic();
        assertThat(vt.cpu().vmptrld(VtBench.VMCS + 4)).isEqualTo(VmInstructionError.VMPTRLD_INVALID_ADDRESS);
        assertThat(vt.get(VmcsField.VM_INSTRUCTION_ERROR)).isEqualTo(VmInstructionError.VMPTRLD_INVALID_ADDRESS);
        assertThat(vt.cpu().vmptrld(0x20000)).as("zeroed: revision 0").isEqualTo(VmInstructionError.VMPTRLD_INCORRECT_REVISION);
        assertThat(vt.cpu().currentVmcs().address()).as("still the old one").isEqualTo(VtBench.VMCS);
    }

    static Stream<Arguments> invalidGuestStates() {
        return Stream.of(
                Arguments.of("a misaligned pc", VmcsField.GUEST_PC, Bench.CODE + 1),
                Arguments.of("reserved FLAGS bits", VmcsField.GUEST_FLAGS, 1 << 20),
                Arguments.of("reserved cr0 bits", VmcsField.GUEST_CR0, 1 << 8),
                Arguments.of("a misaligned cr3", VmcsField.GUEST_CR3, 0x1004),
                Arguments.of("blocking by sti with IF = 0", VmcsField.GUEST_INTERRUPTIBILITY_STATE, VmxControls.INTERRUPTIBILITY_STI),
                Arguments.of("waiting in hlt with IF = 0", VmcsField.GUEST_ACTIVITY_STATE, VmxControls.ACTIVITY_HLT),
                Arguments.of("an unknown activity state", VmcsField.GUEST_ACTIVITY_STATE, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidGuestStates")
    void invalidGuestStateFailsTheEntryAsAnExitWithReason33AndBit31(String what, VmcsField field, int value) {
        VtBench vt = guestThatWouldRun();
        vt.set(field, value);

        StopReason stop = vt.launch();

        assertThat(stop).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).isEqualTo(VmExitReason.ENTRY_FAILURE | 33);
        assertThat(vt.vmcs.entryFailed()).isTrue();
        assertThat(vt.vmcs.exitReason()).isEqualTo(VmExitReason.INVALID_GUEST_STATE);
        assertThat(vt.get(field)).as("the guest state is left as it was").isEqualTo(value);
        assertThat(vt.vmcs.launched()).as("nothing was launched").isFalse();
        assertThat(vt.cpu().pc()).isEqualTo(VtBench.HOST);
        assertThat(vt.cpu().instructions()).isZero();
        assertThat(vt.r(1)).isZero();
    }

    // --- event injection -------------------------------------------------------------------------

    @Test
    void anInjectedExternalInterruptEntersTheGuestsHandlerWithTheGuestsPcInTheFrame() {
        VtBench vt = guestThatWouldRun();
        vt.set(VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(0x40, VmxControls.TYPE_EXTERNAL_INTERRUPT, false));

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);

        assertThat(vt.bench.trappedVector()).isEqualTo(0x40);
        assertThat(vt.r(1)).as("delivered before the guest's first instruction").isZero();
        int sp = vt.get(VmcsField.GUEST_SP);
        assertThat(vt.bench.word(sp + 4)).as("return pc").isEqualTo(Bench.CODE);
        assertThat(vt.get(VmcsField.VM_ENTRY_INTERRUPTION_INFO) & VmxControls.INFO_VALID)
                .as("the exit clears the valid bit").isZero();
    }

    @Test
    void anInjectedSoftwareInterruptReturnsAfterTheInstructionLength() {
        VtBench vt = guestThatWouldRun();
        vt.set(VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(0x80, VmxControls.TYPE_SOFTWARE_INTERRUPT, false));
        vt.set(VmcsField.VM_ENTRY_INSTRUCTION_LENGTH, 4);

        vt.launch();

        assertThat(vt.bench.trappedVector()).isEqualTo(0x80);
        assertThat(vt.bench.word(vt.get(VmcsField.GUEST_SP) + 4)).isEqualTo(Bench.CODE + 4);
    }

    @Test
    void anInjectedExceptionCarriesItsErrorCode() {
        VtBench vt = guestThatWouldRun();
        vt.set(VmcsField.VM_ENTRY_INTERRUPTION_INFO,
                VmxControls.interruptionInfo(Vector.GENERAL_PROTECTION, VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        vt.set(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE, 0x42);

        vt.launch();

        assertThat(vt.bench.trappedVector()).isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(vt.bench.word(vt.get(VmcsField.GUEST_SP))).isEqualTo(0x42);
    }

    @Test
    void injectionWakesAGuestWaitingInHlt() {
        VtBench vt = VtBench.classic();
        vt.guestFlags(Registers.FLAG_IF).set(VmcsField.GUEST_ACTIVITY_STATE, VmxControls.ACTIVITY_HLT);
        vt.set(VmcsField.VM_ENTRY_INTERRUPTION_INFO, VmxControls.interruptionInfo(0x41, VmxControls.TYPE_EXTERNAL_INTERRUPT, false));
        vt.code(i(Opcode.NOP));

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.bench.trappedVector()).isEqualTo(0x41);
    }

    // --- the guest's ring 0 ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void sensitiveInstructionsInNonRootRing0ActOnTheGuestsOwnStateWithoutExiting(IsaVariant isa) {
        VtBench vt = new VtBench(isa);
        vt.set(VmcsField.GUEST_IDTR_BASE, 0x3000);
        vt.bench.machine.memory().writeWord(Bench.DATA, Registers.FLAG_IF | Registers.FLAG_Z);
        vt.code(rri(Opcode.LUI, 10, 0, 0), rri(Opcode.ORI, 10, 10, Bench.DATA));
        vt.code(i(Opcode.LW, 1, 10, 0, 0), i(Opcode.PUSH, 0, 1, 0, 0));
        vt.code(i(Opcode.POPF));                                // IF from the stack: it takes
        vt.code(i(Opcode.PUSHF), i(Opcode.POP, 2, 0, 0, 0));
        vt.code(i(Opcode.CLI), i(Opcode.PUSHF), i(Opcode.POP, 3, 0, 0, 0));
        vt.code(i(Opcode.SIDT, 4, 0, 0, 0), i(Opcode.SMSW, 5, 0, 0, 0));
        vt.code(rri(Opcode.ADDI, 6, 0, 0x5000), i(Opcode.LIDT, 0, 6, 0, 0), i(Opcode.SIDT, 7, 0, 0, 0));
        int call = vt.code(i(Opcode.VMCALL));

        StopReason stop = vt.launch();

        assertThat(stop).as(vt.cpu().stopDetail()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).as("the first exit is the vmcall").isEqualTo(VmExitReason.VMCALL.number());
        assertThat(vt.guestPc()).isEqualTo(call);
        assertThat(vt.r(2)).as("popf set IF: pushf shows it, ring 0").isEqualTo(Registers.FLAG_IF | Registers.FLAG_Z);
        assertThat(vt.r(3)).as("cli cleared it").isEqualTo(Registers.FLAG_Z);
        assertThat(vt.r(4)).as("sidt: the guest's table").isEqualTo(0x3000);
        assertThat(vt.r(5)).as("smsw: ring 0").isZero();
        assertThat(vt.r(7)).isEqualTo(0x5000);
        assertThat(vt.get(VmcsField.GUEST_IDTR_BASE)).isEqualTo(0x5000);
        assertThat(vt.cpu().idtr()).as("the host's table is back").isEqualTo(Bench.IDT);
    }

    static Stream<IsaVariant> variants() {
        return Stream.of(IsaVariant.CLASSIC, IsaVariant.LEGACY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aGuestInRing3StillMeetsItsOwnKernelForPrivilegedInstructions(IsaVariant isa) {
        VtBench vt = new VtBench(isa);
        vt.guestFlags(3 << Registers.CPL_SHIFT).set(VmcsField.GUEST_SP, Bench.USER_STACK);
        vt.code(i(Opcode.CLI));

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.bench.trappedVector()).as("#GP through the guest's table").isEqualTo(Vector.GENERAL_PROTECTION);
    }

    @Test
    void aRunThatEndsItsFuelInNonRootModeGoesOnWithTheGuest() {
        VtBench vt = guestThatWouldRun();
        vt.code(rri(Opcode.ADDI, 2, 0, 2), i(Opcode.VMCALL));

        assertThat(vt.cpu().vmlaunch(1)).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(vt.cpu().inNonRootMode()).isTrue();
        assertThat(vt.cpu().pc()).isEqualTo(Bench.CODE + 4);
        assertThatThrownBy(vt::resume).isInstanceOf(IllegalStateException.class);

        assertThat(vt.cpu().run(VtBench.FUEL)).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.guestPc()).isEqualTo(Bench.CODE + 4);
        assertThat(vt.skipAndResume()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.guestPc()).isEqualTo(Bench.CODE + 12);
        assertThat(vt.r(2)).isEqualTo(2);
    }

    @Test
    void withoutExternalInterruptExitingADeviceInterruptReachesTheGuestsHandler() {
        VtBench vt = VtBench.classic();
        vt.guestFlags(Registers.FLAG_IF);
        vt.bench.machine.pic().request(org.vmlab.machine.device.Timer.LINE);
        vt.code(i(Opcode.NOP));

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.bench.trappedVector()).isEqualTo(Vector.IRQ_BASE + org.vmlab.machine.device.Timer.LINE);
        assertThat(vt.exitReason()).as("the handler's hlt").isEqualTo(VmExitReason.HLT.number());
    }

    @Test
    void cr4BitsTheHostOwnsAreShadowedAsCr0s() {
        VtBench vt = VtBench.classic();
        vt.set(VmcsField.CR4_GUEST_HOST_MASK, 0xF000_0000).set(VmcsField.CR4_READ_SHADOW, 0x1000_0000);
        vt.code(i(Opcode.MFCR, 1, 0, 0, Registers.CR4));
        vt.code(rri(Opcode.LUI, 2, 0, 0x2000));
        int mtcr = vt.code(i(Opcode.MTCR, 0, 2, 0, Registers.CR4));

        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.r(1)).isEqualTo(0x1000_0000 | Bench.KERNEL_STACK);
        assertThat(vt.exitReason()).isEqualTo(VmExitReason.CONTROL_REGISTER_ACCESS.number());
        assertThat(vt.guestPc()).isEqualTo(mtcr);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(4 | 2 << 8);
    }

    // --- root mode ------------------------------------------------------------------------------

    @Test
    void rootCodeRunsAGuestWithTheInstructionsAndReadsTheExitInformation() {
        VtBench vt = VtBench.classic();
        vt.cpu().vmclear(VtBench.VMCS);
        vt.bench.asm(String.join("\n",
                ".org 0x6000",
                "start:",
                "    li r1, " + VtBench.VMCS,
                "    vmptrld r1",
                "    li r2, 0x681E",          // GUEST_PC
                "    li r3, guest",
                "    vmwrite r2, r3",
                "    li r2, 0x6C16",          // HOST_PC
                "    li r3, host",
                "    vmwrite r2, r3",
                "    vmlaunch",
                "    hlt",                    // not reached: the guest's exit goes to host
                "guest:",
                "    addi r5, r0, 42",
                "    vmcall",
                "host:",
                "    li r2, 0x4402",          // EXIT_REASON
                "    vmread r6, r2",
                "    li r2, 0x681E",
                "    vmread r7, r2",
                "    hlt"));
        vt.cpu().setPc(0x6000);

        RunResult result = vt.bench.run();

        assertThat(result.stopReason()).as(result.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(vt.r(5)).isEqualTo(42);
        assertThat(vt.r(6)).isEqualTo(VmExitReason.VMCALL.number());
        assertThat(vt.r(7)).as("the guest's pc, on its vmcall").isEqualTo(vt.r(3) - 4);   // r3 holds host, right after the vmcall
        assertThat(vt.cpu().flags() & Registers.CONDITION_BITS).as("VMsucceed").isZero();
    }

    @Test
    void vmxInstructionsReportFailureInTheConditionBits() {
        VtBench vt = VtBench.classic();
        vt.code(rri(Opcode.ADDI, 1, 0, 0x4402));                  // EXIT_REASON: read only
        vt.code(i(Opcode.VMWRITE, 0, 1, 2, 0), i(Opcode.PUSHF), i(Opcode.POP, 3, 0, 0, 0));
        vt.code(rri(Opcode.ADDI, 1, 0, 0x1234));                  // no such field
        vt.code(i(Opcode.VMREAD, 4, 1, 0, 0), i(Opcode.PUSHF), i(Opcode.POP, 5, 0, 0, 0));
        vt.code(rri(Opcode.ADDI, 1, 0, VmcsField.EXIT_REASON.encoding()), i(Opcode.VMREAD, 8, 1, 0, 0));
        vt.code(i(Opcode.PUSHF), i(Opcode.POP, 9, 0, 0, 0));
        vt.code(rri(Opcode.LUI, 1, 0, 1), i(Opcode.VMCLEAR, 0, 1, 0, 0));   // 0x10000: clear, not current
        vt.code(i(Opcode.VMLAUNCH), i(Opcode.PUSHF), i(Opcode.POP, 6, 0, 0, 0), i(Opcode.HLT));

        RunResult result = vt.bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(vt.r(3) & Registers.CONDITION_BITS).as("VMfailValid: Z").isEqualTo(Registers.FLAG_Z);
        assertThat(vt.r(5) & Registers.CONDITION_BITS).isEqualTo(Registers.FLAG_Z);
        assertThat(vt.r(9) & Registers.CONDITION_BITS).as("VMsucceed").isZero();
        assertThat(vt.r(8)).as("the last error, read back")
                .isZero();   // EXIT_REASON of a VMCS never exited
        assertThat(vt.get(VmcsField.VM_INSTRUCTION_ERROR)).isEqualTo(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
        assertThat(vt.r(6) & Registers.CONDITION_BITS).as("VMfailInvalid: C").isEqualTo(Registers.FLAG_C);
    }

    @Test
    void vmxInstructionsOutsideRing0OfRootModeRaiseGpAndVmcallInRootRaisesUd() {
        VtBench vt = VtBench.classic();
        vt.bench.ring(3);
        vt.code(i(Opcode.VMREAD, 1, 2, 0, 0));
        vt.bench.run();
        assertThat(vt.bench.trappedVector()).isEqualTo(Vector.GENERAL_PROTECTION);

        VtBench root = VtBench.classic();
        root.code(i(Opcode.VMCALL));
        root.bench.run();
        assertThat(root.bench.trappedVector()).isEqualTo(Vector.INVALID_OPCODE);
    }

    // --- without the feature --------------------------------------------------------------------

    static Stream<Arguments> vtInstructionsOnBothVariants() {
        return variants().flatMap(isa -> Arrays.stream(Opcode.values()).filter(Opcode::requiresVt)
                .map(op -> Arguments.of(isa, op)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vtInstructionsOnBothVariants")
    void withoutVtTheNewInstructionsAreUndefinedInEveryRing(IsaVariant isa, Opcode op) {
        for (int ring : new int[] {0, 3}) {
            Bench bench = new Bench(isa).ring(ring);
            int at = bench.code(i(op, 1, 2, 3, 0));
            bench.run();
            assertThat(bench.trappedVector()).as("ring %d", ring).isEqualTo(Vector.INVALID_OPCODE);
            assertThat(bench.trapFrame()[1]).isEqualTo(at);
        }
    }

    @Test
    void withoutVtTheJavaInterfaceRefuses() {
        Cpu cpu = Bench.classic().cpu();
        assertThat(cpu.hasVt()).isFalse();
        assertThat(cpu.currentVmcs()).isNull();
        assertThatThrownBy(() -> cpu.vmptrld(VtBench.VMCS)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cpu.vmlaunch(10)).isInstanceOf(IllegalStateException.class);
        assertThat(MachineConfig.defaults().vt()).isFalse();
    }
}
