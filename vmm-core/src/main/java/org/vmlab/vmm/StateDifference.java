package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;

/** Where two processor states differ, field by field, in words a student reads at a glance. */
public final class StateDifference {
    private StateDifference() {
    }

    /** One line per differing field ({@code "IF: native 1, virtual 0"}); empty if the states agree. */
    public static List<String> between(CpuSnapshot nativeState, CpuSnapshot virtualState) {
        List<String> lines = new ArrayList<>();
        int[] n = nativeState.registers();
        int[] v = virtualState.registers();
        for (int r = 0; r < n.length; r++) {
            if (n[r] != v[r]) {
                lines.add(String.format("%s: native 0x%08x, virtual 0x%08x%s", Registers.name(r),
                        n[r], v[r], decoded(n[r], v[r])));
            }
        }
        word(lines, "pc", nativeState.pc(), virtualState.pc());
        int nf = nativeState.flags();
        int vf = virtualState.flags();
        bit(lines, "IF", nf, vf, Registers.FLAG_IF);
        if (nativeState.cpl() != virtualState.cpl()) {
            lines.add(String.format("CPL: native %d, virtual %d", nativeState.cpl(), virtualState.cpl()));
        }
        bit(lines, "Z", nf, vf, Registers.FLAG_Z);
        bit(lines, "N", nf, vf, Registers.FLAG_N);
        bit(lines, "C", nf, vf, Registers.FLAG_C);
        bit(lines, "V", nf, vf, Registers.FLAG_V);
        int named = Registers.FLAG_IF | Registers.CPL_MASK | Registers.CONDITION_BITS;
        if ((nf & ~named) != (vf & ~named)) {
            lines.add(String.format("FLAGS: native 0x%08x, virtual 0x%08x", nf, vf));
        }
        word(lines, "cr0", nativeState.cr0(), virtualState.cr0());
        word(lines, "cr2", nativeState.cr2(), virtualState.cr2());
        word(lines, "cr3", nativeState.cr3(), virtualState.cr3());
        word(lines, "cr4", nativeState.cr4(), virtualState.cr4());
        word(lines, "cr5", nativeState.cr5(), virtualState.cr5());
        word(lines, "idtr", nativeState.idtr(), virtualState.idtr());
        return lines;
    }

    /**
     * What two differing register values likely are, when their difference says so: FLAGS
     * (pushed by pushf or a trap, then popped into a register) differing in IF or the ring, or
     * page-table entries differing only in their P/W/U/A/D bits. Empty otherwise.
     */
    static String decoded(int n, int v) {
        int diff = n ^ v;
        int flagsBits = Registers.FLAG_IF | Registers.CPL_MASK | Registers.CONDITION_BITS;
        if ((diff & ~flagsBits) == 0 && (diff & (Registers.FLAG_IF | Registers.CPL_MASK)) != 0
                && ((n | v) & ~flagsBits) == 0) {
            return String.format(" (as FLAGS: IF %d, ring %d vs IF %d, ring %d)",
                    (n & Registers.FLAG_IF) != 0 ? 1 : 0, (n & Registers.CPL_MASK) >>> Registers.CPL_SHIFT,
                    (v & Registers.FLAG_IF) != 0 ? 1 : 0, (v & Registers.CPL_MASK) >>> Registers.CPL_SHIFT);
        }
        int pteBits = Pte.PRESENT | Pte.WRITABLE | Pte.USER | Pte.ACCESSED | Pte.DIRTY;
        if ((diff & ~pteBits) == 0 && (n & Pte.FRAME_MASK) != 0
                && ((n | v) & Pte.PRESENT) != 0 && ((n | v) & 0xF98) == 0) {
            return " (as page-table entries: " + Pte.describe(n) + " vs " + Pte.describe(v) + ")";
        }
        return "";
    }

    private static void word(List<String> lines, String name, int n, int v) {
        if (n != v) {
            lines.add(String.format("%s: native 0x%08x, virtual 0x%08x", name, n, v));
        }
    }

    private static void bit(List<String> lines, String name, int n, int v, int mask) {
        if ((n & mask) != (v & mask)) {
            lines.add(String.format("%s: native %d, virtual %d", name, (n & mask) != 0 ? 1 : 0,
                    (v & mask) != 0 ? 1 : 0));
        }
    }
}
