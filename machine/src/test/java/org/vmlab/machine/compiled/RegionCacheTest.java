package org.vmlab.machine.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/** When a write into a code frame drops compiled code: only when it writes a word compiled code holds. */
class RegionCacheTest {
    private static final int CODE = 0x1000;
    private static final int NOP = new Instruction(Opcode.NOP, 0, 0, 0, 0).encode();

    /** A loop of 1,000 turns that stores a nop's word at {@code target} each turn, then halts. */
    private static Machine loopStoringAt(int target) {
        Machine m = new Machine(MachineConfig.builder().memoryBytes(64 << 10)
                .engine(port -> new CompiledEngine(port, 1)).build());
        m.loadWords(CODE, new int[] {
            new Instruction(Opcode.ORI, 1, 0, 0, 1000).encode(),
            new Instruction(Opcode.LUI, 2, 0, 0, NOP >>> 16).encode(),
            new Instruction(Opcode.SW, 2, 0, 0, target).encode(),       // loop:
            new Instruction(Opcode.ADDI, 1, 1, 0, -1).encode(),
            new Instruction(Opcode.CMP, 0, 1, 0, 0).encode(),
            new Instruction(Opcode.BNE, 0, 0, 0, -4).encode(),
            new Instruction(Opcode.HLT, 0, 0, 0, 0).encode(),
        });
        m.cpu().setPc(CODE);
        return m;
    }

    @Test
    void aStoreIntoDataBesideCompiledCodeKeepsIt() {
        Machine m = loopStoringAt(CODE + 0x800);   // the same frame, no instruction there

        assertThat(m.cpu().run(100_000)).isEqualTo(StopReason.HALT);

        CompiledEngine engine = (CompiledEngine) m.cpu().engine();
        assertThat(engine.invalidations()).isZero();
        assertThat(engine.compiledInstructions()).isGreaterThan(3_000);
        assertThat(m.memory().readWord(CODE + 0x800)).isEqualTo(NOP);
    }

    @Test
    void aStoreIntoAWordCompiledCodeHoldsDropsTheFramesCode() {
        Machine m = loopStoringAt(CODE + 12);   // over the loop's addi: the loop no longer counts down
        StopReason stop = m.cpu().run(10_000);

        CompiledEngine engine = (CompiledEngine) m.cpu().engine();
        assertThat(engine.invalidations()).as("the region holding the addi was dropped").isPositive();
        assertThat(stop).as("a nop now stands where the addi was").isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(m.cpu().register(1)).isEqualTo(1000);
    }
}
