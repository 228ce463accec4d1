package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.isa.Registers;

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
            word(lines, Registers.name(r), n[r], v[r]);
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
