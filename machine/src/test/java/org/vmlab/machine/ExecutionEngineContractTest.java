package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * What every {@link ExecutionEngine} promises (its Javadoc), checked through the interface alone
 * on the engine a machine runs: a run in pauses is the same run as one run; the exit controls
 * decide, trap by trap, whether a trap leaves the engine or enters the guest's handler; and the
 * state written from outside between two runs is the state the next run executes.
 */
class ExecutionEngineContractTest {

    /** The engine a machine runs its processor with, and the state it runs. */
    private record Engine(Machine machine, ExecutionEngine engine, CpuState state) {
        static Engine of(Machine machine) {
            return new Engine(machine, machine.cpu().engine(), machine.cpu().state());
        }

        StopReason run(ExitControls exits, long until) {
            return engine.run(state, exits, machine.config().fuel(), until);
        }
    }

    private static Engine of(Bench bench) {
        return Engine.of(bench.machine);
    }

    // --- fuel and pauses -----------------------------------------------------------------------

    @Property(tries = 60, seed = "1106")
    void aRunInPausesOfAnyLengthIsTheSameRunAsOneRun(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int most,
            @ForAll boolean monitored) {
        ExitControls exits = monitored ? ExitControls.EVERY_TRAP : ExitControls.NONE;
        MachineFuzzProperties.Setup whole = MachineFuzzProperties.randomMachine(new Random(seed));
        MachineFuzzProperties.Setup paused = MachineFuzzProperties.randomMachine(new Random(seed));
        Engine once = Engine.of(whole.machine());
        Engine inPauses = Engine.of(paused.machine());
        long fuel = whole.machine().config().fuel();

        StopReason onceStop = once.run(exits, fuel);
        Random lengths = new Random(seed);
        StopReason stop;
        long until;
        do {
            until = inPauses.engine().instructions() + 1 + lengths.nextInt(most);
            stop = inPauses.run(exits, until);
        } while (stop == StopReason.FUEL_EXHAUSTED && inPauses.engine().instructions() == until
                && until < fuel);

        String setup = whole.description();
        assertThat(stop).as(setup).isEqualTo(onceStop);
        assertThat(inPauses.engine().stopDetail()).as(setup).isEqualTo(once.engine().stopDetail());
        assertThat(inPauses.engine().lastTrap()).as(setup).isEqualTo(once.engine().lastTrap());
        assertThat(inPauses.state().snapshot()).as(setup).isEqualTo(once.state().snapshot());
        assertThat(paused.machine().counters()).as(setup).isEqualTo(whole.machine().counters());
        assertThat(paused.machine().cycles()).as(setup).isEqualTo(whole.machine().cycles());
        assertThat(paused.machine().memory().digest()).as(setup).isEqualTo(whole.machine().memory().digest());
    }

    @Test
    void aRunPausesAtUntilAndTheNextGoesOnWhereItLeftOff() {
        Bench bench = Bench.classic();
        bench.code(rri(Opcode.ADDI, 1, 1, 1), rri(Opcode.ADDI, 1, 1, 1), rri(Opcode.ADDI, 1, 1, 1), i(Opcode.HLT));
        Engine e = of(bench);

        StopReason paused = e.run(ExitControls.NONE, 2);
        String pausedDetail = e.engine().stopDetail();
        int pcAtPause = e.state().pc();
        StopReason ended = e.run(ExitControls.NONE, Long.MAX_VALUE);

        assertThat(paused).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(pausedDetail).isEqualTo("retired 2 instructions");
        assertThat(pcAtPause).isEqualTo(Bench.CODE + 8);
        assertThat(ended).isEqualTo(StopReason.HALT);
        assertThat(e.state().register(1)).isEqualTo(3);
        assertThat(e.engine().instructions()).isEqualTo(4);
    }

    @Test
    void aSystemInstructionThatFaultsChargesTheCyclesBeforeItOnce() {
        Bench whole = Bench.classic().ring(3).reg(1, 3);
        Bench paused = Bench.classic().ring(3).reg(1, 3);
        for (Bench bench : List.of(whole, paused)) {   // a multiply, then cli in user mode: #GP
            bench.code(Bench.rrr(Opcode.MUL, 2, 1, 1), i(Opcode.CLI));
        }
        Engine once = of(whole);
        Engine inPauses = of(paused);

        once.run(ExitControls.EVERY_TRAP, Long.MAX_VALUE);
        inPauses.run(ExitControls.EVERY_TRAP, 1);
        inPauses.run(ExitControls.EVERY_TRAP, Long.MAX_VALUE);

        assertThat(once.engine().lastTrap().vector()).isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(whole.machine.cycles()).as("the multiply's extra cycles, once")
                .isEqualTo(paused.machine.cycles());
    }

    // --- exit controls -------------------------------------------------------------------------

    @Test
    void withNoExitControlsAFaultEntersTheGuestsHandler() {
        Bench bench = Bench.classic();
        bench.code(rri(Opcode.ADDI, 1, 0, 1), Bench.rrr(Opcode.DIV, 2, 1, 0));
        Engine e = of(bench);

        StopReason stop = e.run(ExitControls.NONE, Long.MAX_VALUE);

        assertThat(stop).as("the handler's hlt").isEqualTo(StopReason.HALT);
        assertThat(bench.trappedVector()).isEqualTo(Vector.DIVIDE_ERROR);
        assertThat(e.engine().vectorCount(Vector.DIVIDE_ERROR)).isEqualTo(1);
    }

    @Test
    void theExceptionBitmapSelectsWhichExceptionsExitTheOthersAreDelivered() {
        ExitControls pageFaultsOnly = new ExitControls(1 << Vector.PAGE_FAULT, false, false);
        Bench exits = Bench.classic();
        exits.paging();
        exits.reg(5, 0x0080_0000);   // not mapped
        int load = exits.code(rri(Opcode.LW, 1, 5, 0));
        Bench delivered = Bench.classic();
        delivered.code(Bench.rrr(Opcode.DIV, 2, 1, 0));

        StopReason exited = of(exits).run(pageFaultsOnly, Long.MAX_VALUE);
        StopReason handled = of(delivered).run(pageFaultsOnly, Long.MAX_VALUE);

        assertThat(exited).isEqualTo(StopReason.TRAP);
        assertThat(of(exits).engine().lastTrap())
                .isEqualTo(new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT, 0, 0x0080_0000, load, load));
        assertThat(exits.trappedVector()).as("no handler ran").isEqualTo(-1);
        assertThat(handled).isEqualTo(StopReason.HALT);
        assertThat(delivered.trappedVector()).as("#DE is not in the bitmap").isEqualTo(Vector.DIVIDE_ERROR);
    }

    @Test
    void softwareInterruptExitingAloneLeavesFaultsToTheGuest() {
        ExitControls intOnly = new ExitControls(0, true, false);
        Bench exits = Bench.classic();
        int at = exits.code(i(Opcode.INT, 0, 0, 0, 0x80));
        Bench delivered = Bench.classic();
        delivered.code(0);   // not an instruction: #UD

        StopReason exited = of(exits).run(intOnly, Long.MAX_VALUE);
        of(delivered).run(intOnly, Long.MAX_VALUE);

        assertThat(exited).isEqualTo(StopReason.TRAP);
        assertThat(of(exits).engine().lastTrap())
                .isEqualTo(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, 0x80, 0, 0, at, at + 4));
        assertThat(delivered.trappedVector()).isEqualTo(Vector.INVALID_OPCODE);
    }

    @Test
    void externalInterruptExitingAloneLeavesSoftwareInterruptsToTheGuest() {
        ExitControls interruptsOnly = new ExitControls(0, false, true);
        Bench exits = Bench.classic().reg(1, 3);
        exits.cpu().setFlags(Registers.FLAG_IF);
        exits.code(i(Opcode.OUT, 0, 1, 0, Timer.BASE), i(Opcode.NOP), i(Opcode.NOP));
        int interrupted = exits.code(i(Opcode.NOP));
        Bench delivered = Bench.classic();
        delivered.code(i(Opcode.INT, 0, 0, 0, 0x80));

        StopReason exited = of(exits).run(interruptsOnly, Long.MAX_VALUE);
        of(delivered).run(interruptsOnly, Long.MAX_VALUE);

        assertThat(exited).isEqualTo(StopReason.TRAP);
        assertThat(of(exits).engine().lastTrap()).isEqualTo(new Trap(Trap.Kind.INTERRUPT,
                Vector.IRQ_BASE + Timer.LINE, 0, 0, interrupted, interrupted));
        assertThat(delivered.trappedVector()).isEqualTo(0x80);
    }

    @Test
    void theControlsAreTheVmcssPartsEveryTrapSetsThemAllNoneClearsThem() {
        for (int v = 0; v < 32; v++) {
            assertThat(ExitControls.EVERY_TRAP.exits(Trap.Kind.FAULT, v)).isTrue();
            assertThat(ExitControls.NONE.exits(Trap.Kind.FAULT, v)).isFalse();
        }
        for (Trap.Kind kind : Trap.Kind.values()) {
            assertThat(ExitControls.EVERY_TRAP.exits(kind, Vector.IRQ_BASE)).as("%s", kind)
                    .isEqualTo(kind != Trap.Kind.FAULT);
            assertThat(ExitControls.NONE.exits(kind, 0x80)).isFalse();
        }
    }

    // --- the state between runs ----------------------------------------------------------------

    @Test
    void aRingWrittenIntoTheStateBetweenTwoRunsIsTheRingTheNextFetchIsCheckedIn() {
        Bench bench = Bench.classic();
        bench.paging();   // the code page: supervisor only
        bench.code(i(Opcode.NOP), i(Opcode.NOP), i(Opcode.NOP));
        Engine e = of(bench);
        e.run(ExitControls.EVERY_TRAP, 1);   // one nop in ring 0: the code page is now translated

        e.state().setFlags(3 << Registers.CPL_SHIFT);
        StopReason stop = e.run(ExitControls.EVERY_TRAP, Long.MAX_VALUE);

        assertThat(stop).isEqualTo(StopReason.TRAP);
        assertThat(e.engine().lastTrap()).isEqualTo(new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT,
                Vector.PF_PRESENT | Vector.PF_USER | Vector.PF_FETCH, Bench.CODE + 4, Bench.CODE + 4, Bench.CODE + 4));
        assertThat(e.engine().instructions()).isEqualTo(1);
    }

    @Test
    void anEngineRunsWhicheverStateItIsGiven() {
        Bench bench = Bench.classic();
        bench.code(rri(Opcode.ADDI, 1, 1, 7), i(Opcode.HLT));
        Engine e = of(bench);
        CpuState other = new CpuState(bench.machine.mmu());
        other.setPc(Bench.CODE);
        other.setRegister(1, 100);

        e.engine().run(other, ExitControls.NONE, 10, 10);

        assertThat(other.register(1)).isEqualTo(107);
        assertThat(e.state().register(1)).as("the machine's own state untouched").isZero();
        assertThat(e.state().pc()).isEqualTo(Bench.CODE);
    }
}
