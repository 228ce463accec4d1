package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.machine.isa.Registers;

/**
 * The VMM emulates a guest's load, store, push, pop, call and return itself when the access may
 * not run directly ({@link MemoryInstructionEmulator}), repeating what the CPU's interpreter does
 * for them. This property keeps the two in agreement: any such instruction, any operands, any
 * memory, one step on bare metal and one emulation in the VM leave the same processor state and
 * the same memory.
 */
class MemoryInstructionProperties {
    private static final int DATA = 0x4000;
    private static final int DATA_WORDS = 64;
    private static final int STACK = DATA + 4 * 32;

    /** One memory instruction with its operands, and the data it works on. */
    record Case(String text, int base, int value, List<Integer> data) {
    }

    @Property(tries = 300, seed = "20261202")
    void theEmulatorDoesWhatTheCpuDoes(@ForAll("cases") Case c) {
        SideBySide sides = SideBySide.of("""
                        .org 0x1000
                start:  %s
                        hlt
                target: hlt
                """.formatted(c.text()));
        sides.register(5, c.base()).register(6, c.value()).register(7, sides.address("target"))
                .register(Registers.SP, STACK);
        for (int i = 0; i < c.data().size(); i++) {
            sides.word(DATA + 4 * i, c.data().get(i));
        }

        sides.bare.cpu().run(1);
        MemoryInstructionEmulator.emulate(sides.vm);

        assertThat(StateDifference.between(sides.bare.cpu().snapshot(), sides.vm.vcpu().snapshot()))
                .as("`%s`: the emulated state against the CPU's", c.text()).isEmpty();
        for (int i = 0; i < DATA_WORDS; i++) {
            assertThat(sides.vm.memory().readWord(DATA + 4 * i)).as("`%s`: the word at 0x%x", c.text(), DATA + 4 * i)
                    .isEqualTo(sides.bare.memory().readWord(DATA + 4 * i));
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> wordOffset = Arbitraries.integers().between(0, 15).map(i -> 4 * i);
        Arbitrary<Integer> byteOffset = Arbitraries.integers().between(0, 63);
        Arbitrary<String> text = Arbitraries.oneOf(
                wordOffset.map(o -> "lw r6, " + o + "(r5)"),
                wordOffset.map(o -> "sw r6, " + o + "(r5)"),
                byteOffset.map(o -> "lb r6, " + o + "(r5)"),
                byteOffset.map(o -> "lbu r6, " + o + "(r5)"),
                byteOffset.map(o -> "sb r6, " + o + "(r5)"),
                Arbitraries.of("push r6", "pop r6", "pop r5", "call target", "callr r7", "ret", "push sp",
                        "pop sp"));
        return Combinators.combine(text, Arbitraries.integers().between(0, 16).map(i -> DATA + 4 * i),
                Arbitraries.integers(), Arbitraries.integers().list().ofSize(DATA_WORDS)).as(Case::new);
    }
}
