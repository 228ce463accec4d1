package org.vmlab.labs.lab2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertEveryToyosWorkloadRunsLikeBareMetal;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.bt.BinaryTranslation;
import org.vmlab.cpu.bt.Translation;
import org.vmlab.cpu.bt.TranslationCache;
import org.vmlab.cpu.bt.TranslationUnit;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.PgClass;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.vmm.CpuVirtualization;

/**
 * Lab 2, binary translation: the visible graded tests. The rules are checked one instruction at
 * a time, the invalidation on a small cache, and the whole translator (your rules, with your Lab 1
 * emulator behind the in-cache sequences and callouts) on toyos, on the legacy ISA.
 */
class Lab2Test {
    /** What only the VMM can do: a device, the MMU, the guest's mode, the interrupt table, waiting. */
    static final List<Opcode> NEED_THE_VMM = List.of(Opcode.IN, Opcode.OUT, Opcode.MTCR, Opcode.INVLPG,
            Opcode.IRET, Opcode.LIDT, Opcode.HLT);

    static CpuVirtualization binaryTranslation() {
        return new BinaryTranslation(new BinaryTranslationRules(), new PrivilegedInstructionEmulator());
    }

    private static Instruction sample(Opcode op) {
        return new Instruction(op, 1, 2, 3, 0);
    }

    @Test
    @Graded(points = 3, number = "2.1", name = "innocuous instructions are copied as they are")
    void innocuousAreIdent() {
        BinaryTranslationRules rules = new BinaryTranslationRules();
        for (Opcode op : Opcode.values()) {
            if (IsaVariant.LEGACY.classify(op) == PgClass.INNOCUOUS) {
                assertThat(rules.translate(sample(op)))
                        .as("%s is innocuous: copy it as it is (IDENT), it runs at full speed", op.mnemonic())
                        .isEqualTo(Translation.IDENT);
            }
        }
    }

    @Test
    @Graded(points = 3, number = "2.2", name = "every sensitive instruction is replaced, never copied")
    void sensitiveAreNeverIdent() {
        BinaryTranslationRules rules = new BinaryTranslationRules();
        for (Opcode op : Opcode.values()) {
            PgClass pg = IsaVariant.LEGACY.classify(op);
            if (pg != PgClass.INNOCUOUS) {
                assertThat(rules.translate(sample(op)))
                        .as("%s is %s on legacy: copied, it would %s", op.mnemonic(), pg,
                                pg == PgClass.PRIVILEGED ? "trap in ring 1 and reach the guest as a #GP"
                                        : "run in ring 1 and misbehave without trapping")
                        .isNotEqualTo(Translation.IDENT);
            }
        }
    }

    @Test
    @Graded(points = 2, number = "2.3", name = "in the cache: exactly what needs nothing but the vCPU")
    void inCacheOnlyWhatIsSafe() {
        BinaryTranslationRules rules = new BinaryTranslationRules();
        for (Opcode op : NEED_THE_VMM) {
            assertThat(rules.translate(sample(op)))
                    .as("%s needs the VMM itself (a device, the MMU, a mode switch, the interrupt table or "
                            + "waiting): it must be a CALLOUT", op.mnemonic())
                    .isEqualTo(Translation.CALLOUT);
        }
        for (Opcode op : List.of(Opcode.CLI, Opcode.STI, Opcode.PUSHF, Opcode.POPF)) {
            assertThat(rules.translate(sample(op)))
                    .as("%s only reads or writes the virtual IF: emulate it in the cache (216 cycles), "
                            + "not by a callout (1,254)", op.mnemonic())
                    .isEqualTo(Translation.IN_CACHE);
        }
        for (Opcode op : List.of(Opcode.SMSW, Opcode.SIDT, Opcode.MFCR)) {
            assertThat(rules.translate(sample(op)))
                    .as("%s only reads the vCPU's own state (its control registers or its interrupt "
                            + "table's base): emulate it in the cache, not by a callout", op.mnemonic())
                    .isEqualTo(Translation.IN_CACHE);
        }
    }

    @Test
    @Graded(points = 3, number = "2.4", name = "a write into translated code drops exactly the units it touches")
    void invalidation() {
        TranslationCache cache = new TranslationCache();
        TranslationUnit first = unit(0x0000_1000, 0x0004_5000, 3);    // machine 0x45000..0x4500b
        TranslationUnit second = unit(0x0000_1010, 0x0004_5010, 2);   // machine 0x45010..0x45017
        TranslationUnit elsewhere = unit(0x0000_2000, 0x0004_6000, 4);
        cache.insert(first);
        cache.insert(second);
        cache.insert(elsewhere);
        second.chain(first);
        BinaryTranslationRules rules = new BinaryTranslationRules();

        rules.codeWritten(cache, 0x0004_5ff0);
        assertThat(cache.size()).as("a write to data in the same frame, beside the code, drops nothing").isEqualTo(3);

        rules.codeWritten(cache, 0x0004_500c);
        assertThat(cache.size()).as("a write to the word just past a unit's last instruction (machine 0x4500c; "
                + "the unit covers 0x45000..0x4500b) drops nothing: a unit ends where its instructions end")
                .isEqualTo(3);
        rules.codeWritten(cache, 0x0004_5017);
        assertThat(second.valid()).as("a byte written into the last byte of a unit's last instruction (machine "
                + "0x45017; the unit covers 0x45010..0x45017) drops the unit").isFalse();
        assertThat(first.valid()).as("and not the unit before it").isTrue();
        cache.insert(second = unit(0x0000_1010, 0x0004_5010, 2));
        second.chain(first);

        rules.codeWritten(cache, 0x0004_5009);
        assertThat(cache.lookup(0x1000)).as("a byte written into the unit's third instruction drops the unit").isNull();
        assertThat(first.valid()).isFalse();
        assertThat(cache.lookup(0x1010)).as("the next unit in the frame was not written: it stays").isSameAs(second);
        assertThat(second.link(0x1000)).as("no unit stays chained to a dropped one").isNull();
        assertThat(cache.lookup(0x2000)).as("a unit of another frame stays").isSameAs(elsewhere);
    }

    private static TranslationUnit unit(int pc, int machineAddress, int length) {
        Instruction[] instructions = new Instruction[length];
        Translation[] translations = new Translation[length];
        for (int i = 0; i < length; i++) {
            instructions[i] = sample(Opcode.ADD);
            translations[i] = Translation.IDENT;
        }
        return new TranslationUnit(pc, machineAddress, instructions, translations);
    }

    @Test
    @Graded(points = 4, number = "2.5", name = "toyos on the legacy ISA: every workload equivalent to bare metal")
    void toyos(Checkpoints checkpoints) {
        assertEveryToyosWorkloadRunsLikeBareMetal(IsaVariant.LEGACY, Lab2Test::binaryTranslation, IdentityPaging::new, checkpoints, 0.4);
    }
}
