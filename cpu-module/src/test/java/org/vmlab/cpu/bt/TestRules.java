package org.vmlab.cpu.bt;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/**
 * The test double of a translator's rules (Lab 2's, which these tests cannot see): every sensitive
 * instruction is a callout unless told otherwise, every innocuous one is copied; a write to code
 * is recorded, and drops the units whose instructions it touches.
 */
final class TestRules implements TranslationRules {
    private final Map<Opcode, Translation> overrides = new EnumMap<>(Opcode.class);
    final List<Instruction> asked = new ArrayList<>();
    final List<Integer> codeWrites = new ArrayList<>();

    /** From now on {@code op} is translated as {@code translation}. */
    TestRules with(Opcode op, Translation translation) {
        overrides.put(op, translation);
        return this;
    }

    @Override
    public Translation translate(Instruction instruction) {
        asked.add(instruction);
        Opcode op = instruction.opcode();
        return overrides.getOrDefault(op, op.isSensitive() ? Translation.CALLOUT : Translation.IDENT);
    }

    @Override
    public void codeWritten(TranslationCache cache, int machineAddress) {
        codeWrites.add(machineAddress);
        for (TranslationUnit unit : cache.unitsIn(machineAddress >>> 12)) {
            if (unit.covers(machineAddress & ~3)) {
                cache.invalidate(unit);
            }
        }
    }
}
