package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;
import static org.vmlab.machine.Bench.rrr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.device.MmioDevice;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;

/**
 * Each VM exit reason of the vt feature with its exit qualification and information, at the exact
 * instruction the SDM says (docs/isa.md, "Hardware-assisted virtualization"): instruction exits
 * before the instruction, pc on it, with its length so that the monitor can step over it.
 */
class VtExitTest {

    private static void assertExit(VtBench vt, StopReason stop, VmExitReason reason, int pc) {
        assertThat(stop).as(vt.cpu().stopDetail()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).as("exit reason").isEqualTo(reason.number());
        assertThat(vt.guestPc()).as("guest pc").isEqualTo(pc);
        assertThat(vt.cpu().inNonRootMode()).isFalse();
        assertThat(vt.cpu().pc()).as("the host state is loaded").isEqualTo(VtBench.HOST);
        assertThat(vt.cpu().cpl()).isZero();
        assertThat(vt.cpu().interruptsEnabled()).isFalse();
    }

    @Test
    void vmcallExitsBeforeItWithItsLengthAndTheMonitorStepsOverIt() {
        VtBench vt = VtBench.classic();
        vt.code(rri(Opcode.ADDI, 1, 0, 7));
        int call = vt.code(i(Opcode.VMCALL));
        vt.code(rri(Opcode.ADDI, 2, 0, 9), i(Opcode.VMCALL));

        StopReason stop = vt.launch();

        assertExit(vt, stop, VmExitReason.VMCALL, call);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isZero();
        assertThat(vt.r(1)).as("general registers are not switched: the guest's").isEqualTo(7);
        assertThat(vt.cpu().instructions()).as("the vmcall did not retire").isEqualTo(1);

        assertExit(vt, vt.skipAndResume(), VmExitReason.VMCALL, call + 8);
        assertThat(vt.r(2)).isEqualTo(9);
        assertThat(vt.cpu().instructions()).isEqualTo(2);
    }

    @Test
    void hltExitsWithHltExitingAndAlwaysWithInterruptsOff() {
        VtBench vt = VtBench.classic();
        int hlt = vt.code(i(Opcode.HLT));
        assertExit(vt, vt.launch(), VmExitReason.HLT, hlt);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);

        VtBench on = VtBench.classic();
        on.guestFlags(Registers.FLAG_IF).control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_HLT_EXITING);
        int hlt2 = on.code(i(Opcode.HLT));
        assertExit(on, on.launch(), VmExitReason.HLT, hlt2);
    }

    @Test
    void cr3LoadExitingTellsTheRegisterAndLeavesCr3Alone() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_CR3_LOAD_EXITING);
        vt.code(rri(Opcode.LUI, 5, 0, 2));
        int mtcr = vt.code(i(Opcode.MTCR, 0, 5, 0, Registers.CR3));

        assertExit(vt, vt.launch(), VmExitReason.CONTROL_REGISTER_ACCESS, mtcr);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).as("cr3, mov to cr, r5")
                .isEqualTo(3 | 0 << 4 | 5 << 8);
        assertThat(vt.get(VmcsField.GUEST_CR3)).isZero();
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
    }

    @Test
    void cr3StoreExitingTellsTheDestination() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_CR3_STORE_EXITING);
        int mfcr = vt.code(i(Opcode.MFCR, 6, 0, 0, Registers.CR3));

        assertExit(vt, vt.launch(), VmExitReason.CONTROL_REGISTER_ACCESS, mfcr);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(3 | 1 << 4 | 6 << 8);
    }

    @Test
    void cr0BitsTheHostOwnsReadAsTheShadowAndExitOnlyWhenAWriteChangesThem() {
        VtBench vt = VtBench.classic();
        vt.set(VmcsField.GUEST_CR0, Registers.CR0_WP);          // really on
        vt.set(VmcsField.CR0_GUEST_HOST_MASK, Registers.CR0_WP);
        vt.set(VmcsField.CR0_READ_SHADOW, 0);                    // the guest believes it off
        vt.code(i(Opcode.MFCR, 1, 0, 0, Registers.CR0), i(Opcode.SMSW, 2, 0, 0, 0));
        vt.code(rri(Opcode.ADDI, 3, 0, Registers.CR0_TAG));
        vt.code(i(Opcode.MTCR, 0, 3, 0, Registers.CR0));         // same owned bit as the shadow: no exit
        vt.code(i(Opcode.MFCR, 4, 0, 0, Registers.CR0));
        vt.code(rri(Opcode.ADDI, 7, 0, Registers.CR0_WP));
        int mtcr = vt.code(i(Opcode.MTCR, 0, 7, 0, Registers.CR0));   // changes WP: exits

        assertExit(vt, vt.launch(), VmExitReason.CONTROL_REGISTER_ACCESS, mtcr);
        assertThat(vt.r(1)).as("mfcr: WP reads as the shadow").isZero();
        assertThat(vt.r(2) & 0xFF).as("smsw too").isZero();
        assertThat(vt.r(4)).as("the guest's own bit written, the owned one shadowed").isEqualTo(Registers.CR0_TAG);
        assertThat(vt.get(VmcsField.GUEST_CR0)).as("the real cr0 kept WP")
                .isEqualTo(Registers.CR0_WP | Registers.CR0_TAG);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(0 | 0 << 4 | 7 << 8);
    }

    @Test
    void ioBitmapsSelectPortsAndTheQualificationSaysWhich() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS,
                VmxControls.PROC_USE_IO_BITMAPS | VmxControls.PROC_UNCONDITIONAL_IO_EXITING);
        int port = 0x8123;   // in bitmap B
        vt.bench.machine.memory().writeByte(VtBench.IO_BITMAP_B + (0x123 >>> 3), 1 << (0x123 & 7));
        vt.code(i(Opcode.IN, 1, 0, 0, 0x70));                 // not in the bitmap: runs
        int in = vt.code(i(Opcode.IN, 9, 0, 0, port));

        assertExit(vt, vt.launch(), VmExitReason.IO_INSTRUCTION, in);
        assertThat(vt.cpu().instructions()).isEqualTo(1);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION))
                .isEqualTo(3 | VmxControls.IO_IN | 1 << 6 | 9 << 8 | port << 16)
                .isEqualTo(VmxControls.ioQualification(port, true, 9));
    }

    @Test
    void unconditionalIoExitingExitsOnEveryPort() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_UNCONDITIONAL_IO_EXITING);
        int out = vt.code(i(Opcode.OUT, 0, 4, 0, 0x70));

        assertExit(vt, vt.launch(), VmExitReason.IO_INSTRUCTION, out);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(VmxControls.ioQualification(0x70, false, 4));
    }

    @Test
    void invlpgExitingGivesTheAddress() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_INVLPG_EXITING);
        vt.code(rri(Opcode.LUI, 3, 0, 0x40));
        int invlpg = vt.code(i(Opcode.INVLPG, 0, 3, 0, 0));

        assertExit(vt, vt.launch(), VmExitReason.INVLPG, invlpg);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(0x400000);
    }

    @Test
    void anExceptionInTheBitmapExitsBeforeTheFaultingInstructionWithItsInformation() {
        VtBench vt = VtBench.classic();
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.DIVIDE_ERROR);
        int div = vt.code(rrr(Opcode.DIV, 1, 2, 0));

        assertExit(vt, vt.launch(), VmExitReason.EXCEPTION_OR_NMI, div);
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_INFO))
                .isEqualTo(VmxControls.INFO_VALID | 3 << 8 | Vector.DIVIDE_ERROR);
        assertThat(vt.bench.trappedVector()).as("no guest handler ran").isEqualTo(-1);
        assertThat(vt.cpu().instructions()).isZero();
    }

    @Test
    void aPageFaultExitGivesTheAddressAndTheErrorCode() {
        VtBench vt = VtBench.classic();
        PageTables tables = new PageTables(vt.bench.machine.memory(), Bench.PAGE_DIRECTORY, Bench.PAGE_DIRECTORY + 0x1000);
        tables.identity(0, Bench.IDENTITY_END, org.vmlab.machine.memory.Pte.PRESENT | org.vmlab.machine.memory.Pte.WRITABLE);
        vt.set(VmcsField.GUEST_CR3, Bench.PAGE_DIRECTORY).set(VmcsField.GUEST_CR0, Registers.CR0_PG);
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.PAGE_FAULT);
        vt.code(rri(Opcode.LUI, 1, 0, 0x50));
        int sw = vt.code(i(Opcode.SW, 2, 1, 0, 8));

        assertExit(vt, vt.launch(), VmExitReason.EXCEPTION_OR_NMI, sw);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(0x500008);
        assertThat(vt.get(VmcsField.GUEST_LINEAR_ADDRESS)).isEqualTo(0x500008);
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_INFO))
                .isEqualTo(VmxControls.interruptionInfo(Vector.PAGE_FAULT, VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE)).isEqualTo(Vector.PF_WRITE);
        assertThat(vt.get(VmcsField.GUEST_CR2)).as("cr2 is not written by an exit").isZero();
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).isZero();
    }

    @Test
    void anExceptionNotInTheBitmapGoesToTheGuestsHandler() {
        VtBench vt = VtBench.classic();
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.PAGE_FAULT);
        int div = vt.code(rrr(Opcode.DIV, 1, 2, 0));

        StopReason stop = vt.launch();

        assertThat(vt.bench.trappedVector()).isEqualTo(Vector.DIVIDE_ERROR);
        assertThat(vt.exitReason()).as("then the handler's hlt, interrupts off").isEqualTo(VmExitReason.HLT.number());
        assertThat(stop).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.bench.word(vt.get(VmcsField.GUEST_SP) + 4)).as("pushed pc").isEqualTo(div);
    }

    @Test
    void aTripleFaultInTheGuestIsAnExitNotTheMachinesEnd() {
        VtBench vt = VtBench.classic();
        vt.set(VmcsField.GUEST_IDTR_BASE, 0x30000);   // an empty table
        int ud = vt.code(0xFF000000);

        assertExit(vt, vt.launch(), VmExitReason.TRIPLE_FAULT, ud);
    }

    @Test
    void externalInterruptExitingExitsWhateverTheGuestsIfAndAcknowledgesOnExit() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PIN_BASED_CONTROLS, VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING);
        vt.control(VmcsField.VM_EXIT_CONTROLS, VmxControls.EXIT_ACKNOWLEDGE_INTERRUPT);
        vt.bench.machine.pic().request(Timer.LINE);
        vt.code(i(Opcode.NOP));

        assertExit(vt, vt.launch(), VmExitReason.EXTERNAL_INTERRUPT, Bench.CODE);
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_INFO))
                .isEqualTo(VmxControls.interruptionInfo(Vector.IRQ_BASE + Timer.LINE, VmxControls.TYPE_EXTERNAL_INTERRUPT, false));
        assertThat(vt.bench.machine.pic().inService()).as("acknowledged").isEqualTo(1 << Timer.LINE);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isZero();
    }

    @Test
    void withoutAcknowledgeTheInterruptStaysPending() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PIN_BASED_CONTROLS, VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING);
        vt.bench.machine.pic().request(Timer.LINE);
        vt.code(i(Opcode.NOP));

        assertExit(vt, vt.launch(), VmExitReason.EXTERNAL_INTERRUPT, Bench.CODE);
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_INFO)).isZero();
        assertThat(vt.bench.machine.pic().hasDeliverable()).isTrue();
    }

    @Test
    void interruptWindowExitingExitsOnceTheGuestCanTakeAnInterruptAfterTheStiShadow() {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_INTERRUPT_WINDOW_EXITING);
        vt.code(i(Opcode.NOP), i(Opcode.STI), rri(Opcode.ADDI, 1, 0, 1));
        int window = vt.code(rri(Opcode.ADDI, 2, 0, 2));

        assertExit(vt, vt.launch(), VmExitReason.INTERRUPT_WINDOW, window);
        assertThat(vt.r(1)).as("the instruction in sti's shadow ran").isEqualTo(1);
        assertThat(vt.r(2)).isZero();
        assertThat(vt.get(VmcsField.GUEST_FLAGS) & Registers.FLAG_IF).isNotZero();
    }

    @Test
    void aGuestEnteredWithInterruptsOnExitsForTheWindowBeforeItsFirstInstruction() {
        VtBench vt = VtBench.classic();
        vt.guestFlags(Registers.FLAG_IF).control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_INTERRUPT_WINDOW_EXITING);
        vt.code(i(Opcode.NOP));

        assertExit(vt, vt.launch(), VmExitReason.INTERRUPT_WINDOW, Bench.CODE);
        assertThat(vt.cpu().instructions()).isZero();
    }

    @ParameterizedTest(name = "after {0} instructions")
    @ValueSource(ints = {0, 1, 5, 100})
    void thePreemptionTimerExitsAfterExactlyItsValueInInstructions(int n) {
        VtBench vt = VtBench.classic();
        vt.control(VmcsField.PIN_BASED_CONTROLS, VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER);
        vt.control(VmcsField.VM_EXIT_CONTROLS, VmxControls.EXIT_SAVE_PREEMPTION_TIMER);
        vt.set(VmcsField.VMX_PREEMPTION_TIMER_VALUE, n);
        int loop = vt.code(rri(Opcode.ADDI, 1, 1, 1));
        vt.code(Bench.branch(Opcode.JMP, vt.bench.here(), loop));

        assertExit(vt, vt.launch(), VmExitReason.PREEMPTION_TIMER, loop + (n % 2) * 4);
        assertThat(vt.cpu().instructions()).isEqualTo(n);
        assertThat(vt.r(1)).isEqualTo((n + 1) / 2);
        assertThat(vt.get(VmcsField.VMX_PREEMPTION_TIMER_VALUE)).as("saved: nothing left").isZero();
    }

    @Test
    void aPauseADeviceAsksForInNonRootModeIsAPreemptionTimerExitThere() {
        VtBench vt = VtBench.classic();
        vt.bench.machine.mmio().replace(NetworkInterface.BASE, new MmioDevice() {
            public String name() {
                return "pauses the run";
            }

            public int read(int offset) {
                return 0;
            }

            public void write(int offset, int value) {
                vt.cpu().pauseBy(vt.cpu().instructions() + 3);   // this store and two more
            }
        });
        vt.code(rri(Opcode.LUI, 1, 0, NetworkInterface.BASE >>> 16));
        vt.code(rri(Opcode.ADDI, 5, 5, 1));
        vt.code(rri(Opcode.SW, 0, 1, 0));
        int loop = vt.code(rri(Opcode.ADDI, 5, 5, 1));
        vt.code(Bench.branch(Opcode.JMP, vt.bench.here(), loop));

        assertExit(vt, vt.launch(), VmExitReason.PREEMPTION_TIMER, loop);   // after the jmp back
        assertThat(vt.cpu().instructions()).as("lui, addi, the store, two more").isEqualTo(5);
        assertThat(vt.r(5)).isEqualTo(2);
    }

    @Test
    void thePreemptionTimerCountsAWaitInHlt() {
        VtBench vt = VtBench.classic();
        vt.guestFlags(Registers.FLAG_IF);
        vt.control(VmcsField.PIN_BASED_CONTROLS, VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER);
        vt.set(VmcsField.VMX_PREEMPTION_TIMER_VALUE, 50);
        vt.code(i(Opcode.NOP), i(Opcode.HLT));
        int after = vt.code(i(Opcode.NOP));

        assertExit(vt, vt.launch(), VmExitReason.PREEMPTION_TIMER, after);
        assertThat(vt.cpu().ticks()).isEqualTo(50);
        assertThat(vt.get(VmcsField.GUEST_ACTIVITY_STATE)).as("waiting in hlt").isEqualTo(VmxControls.ACTIVITY_HLT);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Opcode.class, names = {"VMPTRLD", "VMCLEAR", "VMLAUNCH", "VMRESUME", "VMREAD", "VMWRITE"})
    void vmxInstructionsInNonRootModeExitWithTheirOwnReason(Opcode op) {
        VtBench vt = VtBench.classic();
        int at = vt.code(i(op, 1, 2, 3, 0));

        assertExit(vt, vt.launch(), VmExitReason.valueOf(op.name()), at);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
    }

    @Test
    void vmxInstructionsExitFromGuestRing3Too() {
        VtBench vt = VtBench.classic();
        vt.guestFlags(3 << Registers.CPL_SHIFT);
        int at = vt.code(i(Opcode.VMCALL));

        assertExit(vt, vt.launch(), VmExitReason.VMCALL, at);
        assertThat(vt.get(VmcsField.GUEST_FLAGS) & Registers.CPL_MASK).isEqualTo(3 << Registers.CPL_SHIFT);
    }
}
