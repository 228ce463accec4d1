package org.vmlab.asm;

import java.util.Locale;
import java.util.Optional;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;

/** The reserved words of the assembly language: registers, mnemonics and pseudo-instructions. */
final class Names {
    private Names() {
    }

    /** Pseudo-instructions: each assembles to {@code lui} then {@code ori}. */
    static final java.util.Set<String> PSEUDO = java.util.Set.of("li", "la");

    /** The number of general register {@code name} ({@code r0}..{@code r15}, {@code sp}), or -1. */
    static int register(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("sp")) {
            return Registers.SP;
        }
        return numbered(n, "r", Registers.COUNT);
    }

    /** The number N of {@code crN} (any N up to 99, valid or not), or -1 if not of that form. */
    static int controlRegister(String name) {
        return numbered(name.toLowerCase(Locale.ROOT), "cr", 100);
    }

    private static int numbered(String n, String prefix, int limit) {
        if (!n.startsWith(prefix) || n.length() == prefix.length() || n.length() > prefix.length() + 2) {
            return -1;
        }
        String digits = n.substring(prefix.length());
        if (!digits.chars().allMatch(Character::isDigit) || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return -1;
        }
        int v = Integer.parseInt(digits);
        return v < limit ? v : -1;
    }

    static Optional<Opcode> opcode(String mnemonic) {
        return Opcode.fromMnemonic(mnemonic);
    }

    /** True if {@code name} cannot be a label, symbol or macro: it would read as a register. */
    static boolean isReserved(String name) {
        return register(name) >= 0 || controlRegister(name) >= 0;
    }

    /** The longest piece of source text quoted whole in a message. */
    static final int MAX_QUOTE = 64;

    /** {@code text} as quoted in a message: cut short, with "...", if it is longer than that. */
    static String shorten(String text) {
        return text.length() <= MAX_QUOTE ? text : text.substring(0, MAX_QUOTE - 3) + "...";
    }

    /** Levenshtein edit distance, for "did you mean" suggestions. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The candidate nearest to {@code word} if it is close enough to be a typo of it. */
    static Optional<String> nearest(String word, Iterable<String> candidates) {
        String lower = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int allowed = lower.length() <= 4 ? 1 : 2;
        for (String c : candidates) {
            if (Math.abs(c.length() - lower.length()) > allowed) {
                continue;   // too far apart in length alone (and a long word costs no time)
            }
            int d = distance(lower, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }
}
