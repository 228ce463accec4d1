package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/** Entering and leaving handlers: the trap frame, the stack switch, gates, iret, double faults. */
class TrapTest {

    @Test
    void aTrapFromRing3SwitchesToTheKernelStackAndPushesTheFrame() {
        Bench bench = Bench.classic().ring(3);
        bench.cpu().setFlags(bench.cpu().flags() | Registers.FLAG_IF);
        int at = bench.code(i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(0x80);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.KERNEL_STACK - 16);
        int[] frame = bench.trapFrame();
        assertThat(frame[0]).as("error code").isZero();
        assertThat(frame[1]).as("return pc: after int").isEqualTo(at + 4);
        assertThat(frame[2]).as("old FLAGS").isEqualTo(3 << Registers.CPL_SHIFT | Registers.FLAG_IF);
        assertThat(frame[3]).as("old sp").isEqualTo(Bench.USER_STACK);
        assertThat(bench.cpu().cpl()).isZero();
        assertThat(bench.cpu().interruptsEnabled()).isFalse();
    }

    @Test
    void aTrapInRing0StaysOnTheCurrentStack() {
        Bench bench = Bench.classic().reg(Registers.SP, 0x6000);
        bench.code(i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat(bench.r(Registers.SP)).isEqualTo(0x6000 - 16);
        assertThat(bench.trapFrame()[3]).isEqualTo(0x6000);
    }

    @Test
    void intThroughAGateBelowTheCallersRingRaisesGeneralProtection() {
        Bench bench = Bench.classic().ring(3);
        bench.machine.loadWords(Bench.IDT + 4 * 0x40, Bench.HANDLERS + 8 * 0x40);   // DPL 0
        int at = bench.code(i(Opcode.INT, 0, 0, 0, 0x40));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(bench.trapFrame()[0]).as("error code names the gate").isEqualTo(0x40 << 3 | 2);
        assertThat(bench.trapFrame()[1]).isEqualTo(at);
    }

    @Test
    void aJumpToAMisalignedAddressInTheSamePageRaisesGeneralProtection() {
        for (int misalignment = 1; misalignment < 4; misalignment++) {
            Bench bench = Bench.classic();
            int at = bench.code(i(Opcode.JR, 0, 1, 0, 0), rri(Opcode.ADDI, 2, 0, 7),
                    rri(Opcode.ADDI, 2, 0, 9));
            bench.reg(1, at + 4 + misalignment);

            bench.run();

            assertThat(bench.trappedVector()).as("+%d", misalignment)
                    .isEqualTo(Vector.GENERAL_PROTECTION);
            assertThat(bench.trapFrame()[1]).as("the faulting pc is the jump's target")
                    .isEqualTo(at + 4 + misalignment);
            assertThat(bench.r(2)).as("no word ran from the rounded-down address").isZero();
        }
    }

    @Test
    void aJumpIntoADeviceWindowOrPastRamRaisesGeneralProtectionAtTheFetch() {
        for (int target : new int[] {0xF000_0000, 0x8000_0000}) {
            Bench bench = Bench.classic();
            bench.code(i(Opcode.JR, 0, 1, 0, 0));
            bench.reg(1, target);

            bench.run();

            assertThat(bench.trappedVector()).as("a jump to 0x%08x", target)
                    .isEqualTo(Vector.GENERAL_PROTECTION);
            assertThat(bench.trapFrame()[1]).as("the faulting pc is the jump's target").isEqualTo(target);
        }
    }

    @Test
    void aHandlerThatFaultsAtOnceStopsTheMachineWhenItsFramesLeaveRamInsteadOfLoopingForever() {
        Bench bench = Bench.classic().reg(Registers.SP, 0x9000);
        for (int vector : new int[] {Vector.GENERAL_PROTECTION, Vector.DOUBLE_FAULT}) {
            bench.machine.loadWords(Bench.IDT + 4 * vector, 0xF000_0000);  // a handler in the NIC's window
        }
        bench.code(i(Opcode.JR, 0, 1, 0, 0));
        bench.reg(1, 0xF000_0000);

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(bench.r(Registers.SP)).as("0x9000 / 16 frames pushed, down to address 0").isZero();
        assertThat(result.instructions()).as("only the jump retired").isEqualTo(1);
    }

    @Test
    void trapsInARowWithNoInstructionRetiredBurnTheFuelLeft() {
        Bench bench = new Bench(MachineConfig.builder().memoryBytes(1 << 20).fuel(50).build());
        bench.machine.loadWords(Bench.IDT + 4 * Vector.INVALID_OPCODE, 0x3000);  // a handler of zeros
        bench.code(rri(Opcode.ADDI, 1, 0, 1), rri(Opcode.ADDI, 2, 0, 2), 0);

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(result.stopDetail()).startsWith("48 traps delivered in a row without an instruction"
                + " retiring, as many as the fuel left");
        assertThat(result.instructions()).isEqualTo(2);
        assertThat(bench.cpu().vectorCount(Vector.INVALID_OPCODE)).as("fuel 50, 2 retired").isEqualTo(48);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.KERNEL_STACK - 48 * 16);
        assertThat(bench.cpu().pc()).as("the 49th #UD is not taken").isEqualTo(0x3000);

        RunResult again = bench.run();
        assertThat(again.stopReason()).as("no fuel left for another").isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(bench.cpu().vectorCount(Vector.INVALID_OPCODE)).isEqualTo(48);
    }

    @Test
    void aHandlerThatFaultsAtOnceOnAStackThatNeverLeavesRamStopsAtTheEndOfItsFuel() {
        // Paging maps the first 4 MiB onto the interrupt table (page 0), the code (page 1) and a
        // stack frame (every other page), and all the rest of the address space onto the stack
        // frame too: a kernel stack that starts at 0 wraps to the top and runs down through 4 GiB
        // of RAM, 268 million frames, before it could reach anything else.
        Bench bench = new Bench(MachineConfig.builder().memoryBytes(1 << 20).fuel(20_000).build());
        int idt = 0x3000;
        int code = 0x4000;
        int stack = 0x5000;
        int directory = 0x20000;
        int low = 0x21000;
        int rest = 0x22000;
        int flags = Pte.PRESENT | Pte.WRITABLE;
        for (int i = 0; i < 1024; i++) {
            bench.machine.memory().writeWord(directory + 4 * i, Pte.entry(i == 0 ? low : rest, flags));
            bench.machine.memory().writeWord(low + 4 * i, Pte.entry(i == 0 ? idt : i == 1 ? code : stack, flags));
            bench.machine.memory().writeWord(rest + 4 * i, Pte.entry(stack, flags));
        }
        for (int v = 0; v < 256; v++) {
            bench.machine.memory().writeWord(idt + 4 * v, Bench.CODE + 4);   // every gate: to the next word
        }
        bench.machine.loadWords(code, rri(Opcode.ADDI, 1, 0, 1), 0);          // addi; not an instruction
        bench.reg(Registers.SP, 0);
        bench.cpu().setIdtr(0);
        bench.cpu().setControlRegister(Registers.CR3, directory);
        bench.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG);

        RunResult result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), bench::run);

        assertThat(result.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(result.instructions()).as("the addi").isEqualTo(1);
        assertThat(bench.cpu().vectorCount(Vector.INVALID_OPCODE)).isEqualTo(20_000 - 1);
        assertThat(bench.r(Registers.SP)).as("frames wrapped below 0").isEqualTo(-16 * (20_000 - 1));
    }

    @Test
    void iretReturnsToTheRingPcAndStackOfTheFrame() {
        Bench bench = Bench.classic();
        int user = 0x2000;
        bench.machine.loadWords(user, rri(Opcode.ADDI, 1, 0, 33), i(Opcode.INT, 0, 0, 0, 0x80));
        bench.reg(2, Bench.USER_STACK).reg(3, 3 << Registers.CPL_SHIFT).reg(4, user);
        bench.code(i(Opcode.PUSH, 0, 2, 0, 0), i(Opcode.PUSH, 0, 3, 0, 0), i(Opcode.PUSH, 0, 4, 0, 0),
                i(Opcode.IRET));

        bench.run();

        assertThat(bench.r(1)).as("ran the user code").isEqualTo(33);
        assertThat(bench.trappedVector()).isEqualTo(0x80);
        assertThat(bench.trapFrame()[2] & Registers.CPL_MASK).as("from ring 3").isEqualTo(3 << Registers.CPL_SHIFT);
        assertThat(bench.trapFrame()[3]).isEqualTo(Bench.USER_STACK);
    }

    @Test
    void anAbsentGateTurnsTheFaultIntoADoubleFault() {
        Bench bench = Bench.classic();
        bench.machine.loadWords(Bench.IDT + 4 * Vector.INVALID_OPCODE, 0);
        int at = bench.code(0);

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.DOUBLE_FAULT);
        assertThat(bench.trapFrame()[1]).isEqualTo(at);
    }

    @Test
    void aFaultWhileDeliveringTheDoubleFaultStopsTheMachine() {
        Bench bench = Bench.classic();
        bench.machine.loadWords(Bench.IDT + 4 * Vector.INVALID_OPCODE, 0);
        bench.machine.loadWords(Bench.IDT + 4 * Vector.DOUBLE_FAULT, 0);
        bench.code(0);

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(result.stopDetail()).contains("pc=0x00001000");
    }

    @Test
    void aKernelStackThatIsNotThereIsATripleFaultNotACrash() {
        Bench bench = Bench.classic().ring(3);
        bench.cpu().setControlRegister(Registers.CR4, 0xFFF0_0000);   // beyond RAM: writes vanish
        bench.cpu().setControlRegister(Registers.CR0, 0);
        bench.code(i(Opcode.INT, 0, 0, 0, 0x80));

        RunResult result = bench.run();

        // Writes to unmapped physical addresses are ignored (MMIO with no device), so the
        // handler runs; what matters is that the machine stays in control either way.
        assertThat(result.stopReason()).isIn(StopReason.HALT, StopReason.TRIPLE_FAULT);
    }
}
