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
        return between(nativeState, "native", virtualState, "virtual");
    }

    /**
     * The same, with each side's value named by its label ({@code "IF: native 1, second 0"}), for
     * two sides other than bare metal and a VM.
     */
    public static List<String> between(CpuSnapshot nativeState, String nativeLabel, CpuSnapshot virtualState,
            String virtualLabel) {
        Labels labels = new Labels(nativeLabel, virtualLabel);
        List<String> lines = new ArrayList<>();
        int[] n = nativeState.registers();
        int[] v = virtualState.registers();
        for (int r = 0; r < n.length; r++) {
            if (n[r] != v[r]) {
                lines.add(String.format("%s: %s 0x%08x, %s 0x%08x%s", Registers.name(r),
                        nativeLabel, n[r], virtualLabel, v[r], decoded(n[r], v[r])));
            }
        }
        word(lines, labels, "pc", nativeState.pc(), virtualState.pc());
        int nf = nativeState.flags();
        int vf = virtualState.flags();
        bit(lines, labels, "IF", nf, vf, Registers.FLAG_IF);
        if (nativeState.cpl() != virtualState.cpl()) {
            lines.add(String.format("CPL: %s %d, %s %d", nativeLabel, nativeState.cpl(), virtualLabel,
                    virtualState.cpl()));
        }
        bit(lines, labels, "Z", nf, vf, Registers.FLAG_Z);
        bit(lines, labels, "N", nf, vf, Registers.FLAG_N);
        bit(lines, labels, "C", nf, vf, Registers.FLAG_C);
        bit(lines, labels, "V", nf, vf, Registers.FLAG_V);
        int named = Registers.FLAG_IF | Registers.CPL_MASK | Registers.CONDITION_BITS;
        if ((nf & ~named) != (vf & ~named)) {
            lines.add(String.format("FLAGS: %s 0x%08x, %s 0x%08x", nativeLabel, nf, virtualLabel, vf));
        }
        word(lines, labels, "cr0", nativeState.cr0(), virtualState.cr0());
        word(lines, labels, "cr2", nativeState.cr2(), virtualState.cr2());
        word(lines, labels, "cr3", nativeState.cr3(), virtualState.cr3());
        word(lines, labels, "cr4", nativeState.cr4(), virtualState.cr4());
        word(lines, labels, "cr5", nativeState.cr5(), virtualState.cr5());
        word(lines, labels, "idtr", nativeState.idtr(), virtualState.idtr());
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

    /** How the two sides' values are named in a line. */
    private record Labels(String nativeLabel, String virtualLabel) {
    }

    private static void word(List<String> lines, Labels labels, String name, int n, int v) {
        if (n != v) {
            lines.add(String.format("%s: %s 0x%08x, %s 0x%08x", name, labels.nativeLabel(), n,
                    labels.virtualLabel(), v));
        }
    }

    private static void bit(List<String> lines, Labels labels, String name, int n, int v, int mask) {
        if ((n & mask) != (v & mask)) {
            lines.add(String.format("%s: %s %d, %s %d", name, labels.nativeLabel(), (n & mask) != 0 ? 1 : 0,
                    labels.virtualLabel(), (v & mask) != 0 ? 1 : 0));
        }
    }
}
