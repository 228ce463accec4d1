package org.vmlab.labs.lab0;

/**
 * The four runs of one instruction: in ring 0 and in ring 3, each in the native and the
 * relocated {@link Layout}. All four start from the same program-visible state.
 */
public record Observations(String instruction, String variant, Outcome ring0, Outcome ring3,
                           Outcome ring0Relocated, Outcome ring3Relocated) {

    /**
     * The runs and how their effects differ, as {@code "in ring 0 no trap, IF 0 -> 1; in ring 3
     * trap 13; ...; ring 3 native vs relocated: r1=0x0 vs 0x3000"}.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(ring0).append("; ").append(ring3).append("; ").append(ring0Relocated)
                .append("; ").append(ring3Relocated);
        appendDifferences(s, "ring 0 vs ring 3", ring0, ring3);
        appendDifferences(s, "ring 0 native vs relocated", ring0, ring0Relocated);
        appendDifferences(s, "ring 3 native vs relocated", ring3, ring3Relocated);
        return s.toString();
    }

    private static void appendDifferences(StringBuilder s, String what, Outcome a, Outcome b) {
        String d = a.effectDifferences(b);
        if (!d.isEmpty()) {
            s.append("; ").append(what).append(": ").append(d);
        }
    }
}
