package org.vmlab.labs.lab0;

import java.util.List;

/**
 * What one run of one instruction did.
 *
 * @param ring    the ring it ran in
 * @param layout  where the interrupt table and memory were
 * @param vector  the vector it raised (13 is #GP), or -1 if it raised none
 * @param before  the machine's configuration before the instruction
 * @param after   the configuration after it (after entering the handler, if it trapped)
 * @param effect  what a program can see of the result in its own terms: for a run without a trap
 *                the registers, pc, condition flags and the words of its data and stack, by
 *                virtual address; for a run that trapped, just {@code "trap <vector>"}
 */
public record Outcome(int ring, Layout layout, int vector, Configuration before,
                      Configuration after, List<String> effect) {

    public Outcome {
        effect = List.copyOf(effect);
    }

    /** True if the instruction raised a vector instead of (or after) running. */
    public boolean trapped() {
        return vector >= 0;
    }

    /** True if it raised a general-protection fault (#GP, vector 13). */
    public boolean generalProtection() {
        return vector == 13;
    }

    /** The entries of the effect that differ from {@code other}'s, as {@code "r1=0x0 vs 0x3000"}. */
    public String effectDifferences(Outcome other) {
        if (trapped() != other.trapped()) {
            return (trapped() ? "trap " + vector : "no trap") + " vs "
                    + (other.trapped() ? "trap " + other.vector : "no trap");
        }
        List<String> d = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(effect.size(), other.effect.size()); i++) {
            String mine = i < effect.size() ? effect.get(i) : "-";
            String theirs = i < other.effect.size() ? other.effect.get(i) : "-";
            if (!mine.equals(theirs)) {
                String name = mine.contains("=") ? mine.substring(0, mine.indexOf('=') + 1) : "";
                String value = theirs.startsWith(name) && !name.isEmpty()
                        ? theirs.substring(name.length()) : theirs;
                d.add(mine + " vs " + value);
            }
        }
        return String.join(", ", d);
    }

    @Override
    public String toString() {
        String where = "in ring " + ring + (layout == Layout.RELOCATED ? " (relocated)" : "");
        if (trapped()) {
            return where + " trap " + vector;
        }
        String changes = before.differences(after);
        return where + " no trap, " + (changes.isEmpty() ? "configuration unchanged" : changes);
    }
}
