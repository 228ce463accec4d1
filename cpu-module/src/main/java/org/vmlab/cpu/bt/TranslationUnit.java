package org.vmlab.cpu.bt;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/**
 * One unit of the translation cache: a basic block of guest kernel code (at most
 * {@link #MAX_INSTRUCTIONS}, never crossing a page), each instruction with its {@link Translation}.
 *
 * <p>Units are chained: when control passes from one unit to the next by a direct branch or by
 * falling through, the first keeps a link to the second, so the next time no lookup is needed.
 * An indirect branch ({@code jr}, {@code callr}, {@code ret}) has a target known only at run time,
 * and goes through a lookup every time.
 */
public final class TranslationUnit {
    /** As in VMware's translator: a unit holds at most a dozen instructions. */
    public static final int MAX_INSTRUCTIONS = 12;

    private final int guestPc;
    private final int machineAddress;
    private final Instruction[] instructions;
    private final Translation[] translations;
    private final Map<Integer, TranslationUnit> links = new HashMap<>();
    private final Set<TranslationUnit> linkedFrom = new HashSet<>();
    private boolean valid = true;

    /**
     * @param guestPc        the guest-virtual address of the first instruction
     * @param machineAddress the machine address of the first instruction
     */
    public TranslationUnit(int guestPc, int machineAddress, Instruction[] instructions, Translation[] translations) {
        if (instructions.length == 0 || instructions.length != translations.length) {
            throw new IllegalArgumentException("a unit needs one translation per instruction, and at least one");
        }
        if (instructions.length > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a unit holds at most " + MAX_INSTRUCTIONS + " instructions, not "
                    + instructions.length);
        }
        if ((machineAddress & 0xFFF) + 4 * instructions.length > 0x1000) {
            throw new IllegalArgumentException(String.format(
                    "a unit never crosses a page: %d instructions from 0x%08x do", instructions.length, machineAddress));
        }
        this.guestPc = guestPc;
        this.machineAddress = machineAddress;
        this.instructions = instructions.clone();
        this.translations = translations.clone();
    }

    public int guestPc() {
        return guestPc;
    }

    public int machineAddress() {
        return machineAddress;
    }

    public int length() {
        return instructions.length;
    }

    public Instruction instruction(int i) {
        return instructions[i];
    }

    public Translation translation(int i) {
        return translations[i];
    }

    /** The machine frame the unit was translated from. */
    public int frame() {
        return machineAddress >>> 12;
    }

    /** True if the machine address {@code pa} holds one of this unit's instructions. */
    public boolean covers(int pa) {
        return pa >= machineAddress && pa < machineAddress + 4 * instructions.length;
    }

    /** True if the unit ends in an indirect branch, whose successor must be looked up. */
    public boolean endsIndirect() {
        Opcode last = instructions[instructions.length - 1].opcode();
        return last == Opcode.JR || last == Opcode.CALLR || last == Opcode.RET;
    }

    /** The unit chained to run after this one when control goes on at {@code pc}, or null. */
    public TranslationUnit link(int pc) {
        return links.get(pc);
    }

    /** Chains {@code next} after this unit, for control that goes on at its first instruction. */
    public void chain(TranslationUnit next) {
        links.put(next.guestPc, next);
        next.linkedFrom.add(this);
    }

    /** Drops every link into and out of this unit, and marks it unusable. */
    void invalidate() {
        valid = false;
        for (TranslationUnit from : linkedFrom) {
            from.links.remove(guestPc);
        }
        linkedFrom.clear();
        for (TranslationUnit to : links.values()) {
            to.linkedFrom.remove(this);
        }
        links.clear();
    }

    /** False once the unit has been invalidated. */
    public boolean valid() {
        return valid;
    }

    /** Units chained after this one. */
    public int links() {
        return links.size();
    }
}
