package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * Direct gates (docs/isa.md, "Direct gates"): a monitor's exit controls may name, for a vector,
 * a handler and a ring that {@code int} from ring 3 enters without exiting and without reading
 * the interrupt table, as 32-bit Xen installed a paravirtual guest's system-call gate in the real
 * IDT. From any other ring, at any other vector, and for every other trap, the controls decide as
 * before; and a gate whose frame cannot be pushed is as if it were not there.
 *
 * <p>The {@link Bench}'s handler of vector v records v in r13 and runs {@code hlt}: in ring 1 that
 * is a #GP, which exits, so a test sees the handler ran, in which ring, and stops there.
 */
class DirectGateTest {
    private static final int SYSCALL = 0x80;

    private static int handler(int vector) {
        return Bench.HANDLERS + 8 * vector;
    }

    /** A monitored bench (every trap exits) with a direct gate into ring 1 for {@code vector}. */
    private static Bench monitoredWithGate(int vector, boolean clearsInterrupts) {
        Bench bench = Bench.classic();
        bench.cpu().setExitControls(ExitControls.EVERY_TRAP.withDirectGates(
                List.of(new DirectGate(vector, handler(vector), 1, clearsInterrupts))));
        return bench;
    }

    private static void interruptsOn(Bench bench) {
        bench.cpu().setFlags(bench.cpu().flags() | Registers.FLAG_IF);
    }

    @Test
    void intFromRing3EntersTheHandlerInTheGatesRingOnTheKernelStackWithoutExiting() {
        Bench bench = monitoredWithGate(SYSCALL, false).ring(3).reg(7, 0x5);
        interruptsOn(bench);
        bench.code(rri(Opcode.CMPI, 0, 7, 5));                  // Z set: the FLAGS pushed show it
        int at = bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));
        bench.code(rri(Opcode.ADDI, 2, 0, 2));                  // never runs
        int userFlags = Registers.FLAG_Z | Registers.FLAG_IF | 3 << Registers.CPL_SHIFT;

        RunResult result = bench.run();

        assertThat(bench.cpu().lastTrap()).as("the first exit is the handler's hlt, in ring 1")
                .isEqualTo(new Trap(Trap.Kind.FAULT, Vector.GENERAL_PROTECTION, 0, 0,
                        handler(SYSCALL) + 4, handler(SYSCALL) + 4));
        assertThat(bench.trappedVector()).isEqualTo(SYSCALL);
        assertThat(bench.cpu().cpl()).isEqualTo(1);
        assertThat(bench.cpu().interruptsEnabled()).as("a gate that keeps IF").isTrue();
        assertThat(bench.r(Registers.SP)).as("on the kernel stack, cr4").isEqualTo(Bench.KERNEL_STACK - 16);
        assertThat(bench.trapFrame()).as("error code, pc, FLAGS, old sp: bare metal's frame")
                .containsExactly(0, at + 4, userFlags, Bench.USER_STACK);
        assertThat(result.instructions()).as("cmpi, the int, the handler's addi").isEqualTo(3);
        assertThat(bench.cpu().vectorCount(SYSCALL)).as("one trap entry, charged as the table's").isEqualTo(1);
        assertThat(bench.r(2)).isZero();
    }

    @ParameterizedTest(name = "clears IF: {0}")
    @ValueSource(booleans = {false, true})
    void theGateSaysWhetherEnteringClearsIf(boolean clears) {
        Bench bench = monitoredWithGate(SYSCALL, clears).ring(3);
        interruptsOn(bench);
        bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(SYSCALL);
        assertThat(bench.cpu().interruptsEnabled()).isEqualTo(!clears);
        assertThat(bench.trapFrame()[2] & Registers.FLAG_IF).as("the frame keeps the caller's IF").isNotZero();
    }

    @ParameterizedTest(name = "ring {0}")
    @ValueSource(ints = {0, 1, 2})
    void theGateServesRing3OnlyFromOtherRingsIntExitsUnretired(int ring) {
        Bench bench = monitoredWithGate(SYSCALL, false).ring(ring);
        int sp = bench.r(Registers.SP);
        int at = bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));

        RunResult result = bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, SYSCALL, 0, 0, at, at + 4));
        assertThat(result.instructions()).isZero();
        assertThat(bench.trappedVector()).isEqualTo(-1);
        assertThat(bench.cpu().cpl()).isEqualTo(ring);
        assertThat(bench.r(Registers.SP)).isEqualTo(sp);
    }

    @Test
    void theGateServesItsVectorOnlyAnotherIntExits() {
        Bench bench = monitoredWithGate(SYSCALL, false).ring(3);
        int at = bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL + 1));

        bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, SYSCALL + 1, 0, 0, at, at + 4));
        assertThat(bench.trappedVector()).isEqualTo(-1);
        assertThat(bench.cpu().cpl()).isEqualTo(3);
    }

    @Test
    void aFaultAtTheGatesVectorIsNoIntAndStillExits() {
        Bench bench = monitoredWithGate(Vector.GENERAL_PROTECTION, false).ring(3);
        int cli = bench.code(i(Opcode.CLI));

        bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.FAULT, Vector.GENERAL_PROTECTION, 0, 0, cli, cli));
        assertThat(bench.trappedVector()).isEqualTo(-1);
        assertThat(bench.cpu().cpl()).isEqualTo(3);

        bench.cpu().setPc(bench.code(i(Opcode.INT, 0, 0, 0, Vector.GENERAL_PROTECTION)));
        bench.run();

        assertThat(bench.trappedVector()).as("int 13 from ring 3 takes the gate").isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(bench.cpu().cpl()).isEqualTo(1);
    }

    @Test
    void aFrameThatCannotBePushedLeavesTheIntToExitAsIfThereWereNoGate() {
        Bench bench = monitoredWithGate(SYSCALL, false);
        PageTables tables = bench.paging();
        tables.map(Bench.CODE, Bench.CODE, Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        tables.map(Bench.USER_STACK - 0x1000, Bench.USER_STACK - 0x1000, Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        bench.ring(3);
        bench.cpu().setControlRegister(Registers.CR4, 0x0040_0000);   // a kernel stack not mapped
        int at = bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));

        RunResult result = bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, SYSCALL, 0, 0, at, at + 4));
        assertThat(result.instructions()).as("the int did not retire").isZero();
        assertThat(bench.cpu().vectorCount(SYSCALL)).isZero();
        assertThat(bench.cpu().cpl()).isEqualTo(3);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.USER_STACK);
        assertThat(bench.cpu().controlRegister(Registers.CR2)).as("no page fault was taken").isZero();
    }

    /**
     * Bare metal, differentially: the same program, its {@code int} from ring 3 once through the
     * interrupt table and once through a direct gate into ring 0 that clears IF (what the table's
     * gate does), ends in the same state: registers, FLAGS, memory (the frame), time and cycles.
     */
    @Property(tries = 100)
    void aDirectGateGivesTheSameFrameAndStateAsTheTablesGate(
            @ForAll @IntRange(min = 0, max = 255) int vector,
            @ForAll @IntRange(min = 0, max = 15) int conditions,
            @ForAll boolean interrupts,
            @ForAll @IntRange(min = 0x5000, max = 0x7000) int userSp) {
        RunResult throughTable = runInt(vector, conditions, interrupts, userSp & ~3, false);
        RunResult throughGate = runInt(vector, conditions, interrupts, userSp & ~3, true);

        assertThat(throughGate.stopReason()).isEqualTo(StopReason.HALT).isEqualTo(throughTable.stopReason());
        assertThat(throughGate.observables().cpu()).isEqualTo(throughTable.observables().cpu());
        assertThat(throughGate.observables()).isEqualTo(throughTable.observables());
        assertThat(throughGate.instructions()).isEqualTo(throughTable.instructions());
        assertThat(throughGate.ticks()).isEqualTo(throughTable.ticks());
        assertThat(throughGate.cycles()).isEqualTo(throughTable.cycles());
    }

    @Test
    void theInterruptTableIsNotReadAGateThatWouldRefuseUserModeIsNotConsulted() {
        Bench bench = Bench.classic().ring(3);
        bench.machine.loadWords(Bench.IDT + 4 * SYSCALL, handler(SYSCALL));   // DPL 0: #GP from ring 3
        bench.cpu().setExitControls(ExitControls.NONE.withDirectGates(
                List.of(new DirectGate(SYSCALL, handler(SYSCALL), 0, true))));
        bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(SYSCALL);
        assertThat(bench.cpu().vectorCount(Vector.GENERAL_PROTECTION)).isZero();
    }

    @Test
    void onBareMetalAGateThatCannotBePushedGoesThroughTheTableAsWithoutIt() {
        RunResult withoutGate = runIntOnStack(0x0010_0000 + 0x1000, false);   // cr4 past the end of RAM
        RunResult withGate = runIntOnStack(0x0010_0000 + 0x1000, true);

        assertThat(withoutGate.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(withGate.stopReason()).isEqualTo(withoutGate.stopReason());
        assertThat(withGate.observables()).isEqualTo(withoutGate.observables());
        assertThat(withGate.instructions()).isEqualTo(withoutGate.instructions());
    }

    private static RunResult runInt(int vector, int conditions, boolean interrupts, int userSp, boolean direct) {
        Bench bench = Bench.classic().ring(3).reg(Registers.SP, userSp);
        bench.cpu().setFlags(bench.cpu().flags() | conditions | (interrupts ? Registers.FLAG_IF : 0));
        if (direct) {
            bench.cpu().setExitControls(ExitControls.NONE.withDirectGates(
                    List.of(new DirectGate(vector, handler(vector), 0, true))));
        }
        bench.code(rri(Opcode.ADDI, 1, 0, 1), i(Opcode.INT, 0, 0, 0, vector), rri(Opcode.ADDI, 2, 0, 2));
        return bench.run();
    }

    private static RunResult runIntOnStack(int kernelStack, boolean direct) {
        Bench bench = Bench.classic().ring(3);
        bench.cpu().setControlRegister(Registers.CR4, kernelStack);
        if (direct) {
            bench.cpu().setExitControls(ExitControls.NONE.withDirectGates(
                    List.of(new DirectGate(SYSCALL, handler(SYSCALL), 0, true))));
        }
        bench.code(i(Opcode.INT, 0, 0, 0, SYSCALL));
        return bench.run();
    }

    @Test
    void aGateIsAVectorAWordAlignedHandlerAndARingMorePrivilegedThanUserMode() {
        assertThatThrownBy(() -> new DirectGate(256, 0x1000, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DirectGate(0x80, 0x1002, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DirectGate(0x80, 0x1000, 3, false)).isInstanceOf(IllegalArgumentException.class);
        DirectGate gate = new DirectGate(0x80, 0x1000, 1, false);
        assertThatThrownBy(() -> ExitControls.EVERY_TRAP.withDirectGates(List.of(gate, gate)))
                .as("one per vector").isInstanceOf(IllegalArgumentException.class);
        assertThat(ExitControls.EVERY_TRAP.withDirectGates(List.of(gate)).directGate(0x80)).isEqualTo(gate);
        assertThat(ExitControls.EVERY_TRAP.directGate(0x80)).isNull();
    }
}
