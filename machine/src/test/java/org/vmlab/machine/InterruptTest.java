package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * External interrupts and time, as {@code docs/isa.md} and {@code docs/devices.md} specify them:
 * the timer interrupts at an exact instruction, IF and the {@code sti} shadow gate delivery,
 * {@code hlt} skips time, the interrupt controller masks and retires lines under the guest's
 * control, and fuel stops any guest after exactly its budget. Time is instructions, so every run
 * of a program is the same run.
 */
class InterruptTest {
    private static final int TIMER_VECTOR = Vector.IRQ_BASE + Timer.LINE;

    private static Bench withInterruptsEnabled() {
        Bench bench = Bench.classic();
        bench.cpu().setFlags(bench.cpu().flags() | Registers.FLAG_IF);
        return bench;
    }

    /** {@code out 0x40, rs}: program the timer's period from register {@code rs}. */
    private static int startTimer(int rs) {
        return i(Opcode.OUT, 0, rs, 0, Timer.BASE);
    }

    // --- the timer -----------------------------------------------------------------------------

    @ParameterizedTest(name = "period {0}: interrupted after {0} instructions")
    @ValueSource(ints = {1, 2, 7, 100, 1001})
    void theTimerInterruptsAtVector32AfterExactlyItsPeriodInInstructions(int period) {
        Bench bench = withInterruptsEnabled().reg(1, period);
        bench.code(startTimer(1));                                   // tick 0: the period starts
        int loop = bench.code(rri(Opcode.ADDI, 2, 2, 1));            // odd ticks
        bench.code(Bench.branch(Opcode.JMP, bench.here(), loop));    // even ticks

        RunResult result = bench.run();

        assertThat(bench.trappedVector()).isEqualTo(TIMER_VECTOR);
        assertThat(result.instructions()).as("the period, then the handler's two").isEqualTo(period + 2L);
        assertThat(result.ticks()).as("no waiting").isEqualTo(result.instructions());
        assertThat(bench.r(2)).as("loop iterations before the interrupt").isEqualTo(period / 2);
        int interruptedAt = period % 2 == 1 ? loop : loop + 4;
        assertThat(bench.trapFrame()[1]).as("pushed pc: the next instruction").isEqualTo(interruptedAt);
        assertThat(bench.trapFrame()[0]).as("error code").isZero();
    }

    @Test
    void interruptsAreNotTakenWhileIfIsClearAndStayPendingAtTheController() {
        Bench bench = Bench.classic().reg(1, 10).reg(4, 50);
        bench.code(startTimer(1));
        int loop = bench.code(rri(Opcode.ADDI, 4, 4, -1), rri(Opcode.CMPI, 0, 4, 0));
        bench.code(Bench.branch(Opcode.BNE, bench.here(), loop),
                i(Opcode.IN, 3, 0, 0, 0x20),                               // pending lines
                i(Opcode.HLT));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(bench.trappedVector()).as("no handler ran").isEqualTo(-1);
        assertThat(bench.r(3) & 1).as("line 0 pending").isEqualTo(1);
        assertThat(result.instructions()).isEqualTo(1 + 3 * 50 + 2);
    }

    @Test
    void afterStiAnInterruptIsTakenOnlyAfterOneMoreInstruction() {
        Bench bench = Bench.classic().reg(1, 2);
        bench.code(startTimer(1), i(Opcode.NOP), i(Opcode.NOP), i(Opcode.NOP), i(Opcode.STI));
        bench.code(rri(Opcode.ADDI, 7, 0, 1));
        int second = bench.code(rri(Opcode.ADDI, 8, 0, 1));
        bench.code(Bench.branch(Opcode.JMP, bench.here(), bench.here()));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(TIMER_VECTOR);
        assertThat(bench.r(7)).as("the instruction after sti ran").isEqualTo(1);
        assertThat(bench.r(8)).as("the one after it did not").isZero();
        assertThat(bench.trapFrame()[1]).isEqualTo(second);
    }

    @Test
    void hltWithInterruptsEnabledWaitsForTheNextInterruptTicksJumpInstructionsDoNot() {
        Bench bench = Bench.classic().reg(1, 1000);
        bench.code(startTimer(1), i(Opcode.STI), i(Opcode.HLT));   // ticks 0, 1, 2
        int after = bench.code(rri(Opcode.ADDI, 9, 0, 1));

        RunResult result = bench.run();

        assertThat(bench.trappedVector()).isEqualTo(TIMER_VECTOR);
        assertThat(bench.trapFrame()[1]).as("resumes after hlt").isEqualTo(after);
        assertThat(bench.r(9)).isZero();
        assertThat(result.instructions()).as("out, sti, hlt and the handler's two").isEqualTo(5);
        assertThat(result.ticks()).as("woken at tick 1000, then the handler's two").isEqualTo(1002);
    }

    @Test
    void hltWithInterruptsEnabledAndNoFutureEventStopsTheRunAsIdleForever() {
        Bench bench = Bench.classic();
        bench.code(i(Opcode.STI), i(Opcode.HLT));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.IDLE_FOREVER);
        assertThat(result.instructions()).isEqualTo(2);
        assertThat(result.stopReason().isClean()).isFalse();
    }

    @Test
    void hltWaitingOnlyForAMaskedLineNeverWakesAndDoesNotHangTheHost() {
        Bench bench = Bench.classic().reg(1, 100).reg(2, 1);
        bench.code(i(Opcode.OUT, 0, 2, 0, 0x21), startTimer(1), i(Opcode.STI), i(Opcode.HLT));

        RunResult result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(10), bench::run);

        assertThat(result.stopReason()).isEqualTo(StopReason.IDLE_FOREVER);
        assertThat(result.stopDetail()).contains("masked");
        assertThat(result.instructions()).isEqualTo(4);
        assertThat(bench.trappedVector()).isEqualTo(-1);
    }

    // --- the interrupt controller, from guest code -------------------------------------------

    /** A timer handler that counts in r10, ends the interrupt (or not), and returns. */
    private static String program(String handlerBody, String main) {
        return """
                        .org 0x1000
                start:  la   r1, timer
                        sw   r1, 128(r0)        ; interrupt table entry 32, DPL 0
                """ + main + """
                        cli
                        hlt
                timer:  addi r10, r10, 1
                """ + handlerBody + """
                        addi sp, sp, 4          ; drop the error code
                        iret
                """;
    }

    @Test
    void aMaskedLineStaysPendingAndIsDeliveredWhenTheGuestUnmasksIt() {
        Bench bench = Bench.classic().asm(program("""
                        out  0x40, r0           ; stop the timer: one interrupt is enough
                        mov  r11, r4            ; what main had done when interrupted
                        addi r12, r0, 0x20
                        out  0x20, r12
                """, """
                        addi r1, r0, 1
                        out  0x21, r1           ; mask line 0
                        addi r1, r0, 100
                        out  0x40, r1           ; timer every 100 ticks
                        sti
                        li   r2, 500
                spin:   addi r2, r2, -1
                        cmpi r2, 0
                        bne  spin
                        in   r3, 0x20           ; pending lines
                        out  0x21, r0           ; unmask: taken at once
                        addi r4, r0, 1
                """));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(bench.r(3) & 1).as("line 0 pending while masked").isEqualTo(1);
        assertThat(bench.r(10)).as("interrupts taken").isEqualTo(1);
        assertThat(bench.r(11)).as("taken right after the unmask").isZero();
        assertThat(bench.r(4)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "with end of interrupt the timer keeps interrupting, true",
            "without end of interrupt line 0 stays in service and blocks itself, false"})
    void endOfInterruptRetiresTheLineInService(String rule, boolean eoi) {
        Bench bench = Bench.classic().asm(program(eoi ? """
                        addi r12, r0, 0x20
                        out  0x20, r12
                """ : "", """
                        addi r1, r0, 100
                        out  0x40, r1
                        sti
                        li   r2, 1000
                spin:   addi r2, r2, -1
                        cmpi r2, 0
                        bne  spin
                        in   r5, 0x22           ; lines in service
                """));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        if (eoi) {
            assertThat(bench.r(10)).as("one interrupt per 100 of the 3000 ticks").isGreaterThanOrEqualTo(30);
            assertThat(bench.r(5)).as("in service at the end").isZero();
        } else {
            assertThat(bench.r(10)).isEqualTo(1);
            assertThat(bench.r(5)).as("line 0 still in service").isEqualTo(1);
        }
    }

    // --- fuel and determinism ------------------------------------------------------------------

    @ParameterizedTest(name = "fuel {0}")
    @ValueSource(longs = {1, 2, 1000, 12_345})
    void anEndlessLoopStopsAfterExactlyItsFuel(long fuel) {
        Bench bench = new Bench(MachineConfig.builder().memoryBytes(1 << 20).fuel(fuel).build());
        bench.code(Bench.branch(Opcode.JMP, bench.here(), bench.here()));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(result.instructions()).isEqualTo(fuel);
        assertThat(bench.run().instructions()).as("a second run has no fuel left").isEqualTo(fuel);
    }

    @Test
    void fuelIsExactEvenWithInterruptsAndSystemInstructionsOnTheWay() {
        Bench bench = new Bench(MachineConfig.builder().memoryBytes(1 << 20).fuel(10_007).build());
        bench.asm(program("""
                        addi r12, r0, 0x20
                        out  0x20, r12
                """, """
                        addi r1, r0, 7
                        out  0x40, r1
                        sti
                forever: nop
                        addi r2, r2, 1
                        jmp  forever
                """));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(result.instructions()).isEqualTo(10_007);
        assertThat(bench.r(10)).as("the timer did interrupt").isGreaterThan(100);
    }

    /** Timer interrupts that print, a disk read, a console; enough to make timing matter. */
    private static final String BUSY_GUEST = """
                    .org 0x1000
            start:  la   r1, timer
                    sw   r1, 128(r0)
                    la   r1, disk
                    sw   r1, 136(r0)
                    addi r1, r0, 37
                    out  0x40, r1
                    addi r1, r0, 1
                    out  0x1f1, r1
                    li   r1, 0x5000
                    out  0x1f2, r1
                    addi r1, r0, 1
                    out  0x1f3, r1          ; read sector 0
                    sti
                    li   r2, 2000
            spin:   addi r2, r2, -1
                    cmpi r2, 0
                    bne  spin
                    cli
                    hlt
            timer:  addi r10, r10, 1
                    andi r3, r10, 15
                    addi r3, r3, 'a'
                    out  0x3f8, r3
                    addi r12, r0, 0x20
                    out  0x20, r12
                    addi sp, sp, 4
                    iret
            disk:   in   r11, 0x41         ; when it completed
                    out  0x1f4, r0
                    addi r12, r0, 0x20
                    out  0x20, r12
                    addi sp, sp, 4
                    iret
            """;

    @Test
    void twoRunsOfTheSameProgramAreTheSameRun() {
        RunResult first = Bench.classic().asm(BUSY_GUEST).run();
        RunResult second = Bench.classic().asm(BUSY_GUEST).run();

        assertThat(first.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(first.console()).isNotEmpty();
        assertThat(first.observables().diskRequests()).hasSize(1);
        assertThat(second.observables()).isEqualTo(first.observables());
        assertThat(second.instructions()).isEqualTo(first.instructions());
        assertThat(second.ticks()).isEqualTo(first.ticks());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void theLegacyVariantTakesInterruptsAtTheSameInstructions() {
        RunResult classic = Bench.classic().asm(BUSY_GUEST).run();
        RunResult legacy = new Bench(IsaVariant.LEGACY).asm(BUSY_GUEST).run();

        assertThat(legacy.observables()).isEqualTo(classic.observables());
    }
}
