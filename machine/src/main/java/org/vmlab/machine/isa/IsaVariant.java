package org.vmlab.machine.isa;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An instruction-set variant: which sensitive instructions do <em>not</em> trap outside ring 0.
 *
 * <p>On {@link #CLASSIC} every sensitive instruction is privileged, so Popek and Goldberg's
 * Theorem 1 holds and trap-and-emulate works. {@link #LEGACY} models the x86 before VT-x: the
 * flags read and write, the status-word read and the interrupt-table read run outside ring 0
 * without trapping, as on the 80386 (Robin and Irvine, 2000; Adams and Agesen, ASPLOS 2006).
 *
 * <p>A variant is a value: tests and labs may build others with {@link #of}, for instance to check
 * that a probe classifies instructions by experiment rather than by reading this table.
 *
 * @param name         the variant's name, as the command line spells it
 * @param unprivileged the sensitive instructions that run outside ring 0 without trapping; each
 *                     must have an {@linkplain Opcode#unprivilegedSemantics() unprivileged form}
 */
public record IsaVariant(String name, Set<Opcode> unprivileged) {

    public static final IsaVariant CLASSIC = new IsaVariant("classic", Set.of());

    public static final IsaVariant LEGACY = new IsaVariant("legacy",
            EnumSet.of(Opcode.PUSHF, Opcode.POPF, Opcode.SMSW, Opcode.SIDT));

    public IsaVariant {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an ISA variant needs a name");
        }
        for (Opcode op : unprivileged) {
            if (op.unprivilegedSemantics().isEmpty()) {
                throw new IllegalArgumentException(op.mnemonic()
                        + " has no unprivileged form; it must trap outside ring 0");
            }
        }
        unprivileged = unprivileged.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(unprivileged));
    }

    /** A variant in which exactly the given sensitive instructions are unprivileged. */
    public static IsaVariant of(String name, Opcode... unprivileged) {
        return new IsaVariant(name, Set.of(unprivileged));
    }

    /** The built-in variants. */
    public static Set<IsaVariant> builtIn() {
        return Set.of(CLASSIC, LEGACY);
    }

    /** The built-in variant with this name (any case), if there is one. */
    public static Optional<IsaVariant> named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return builtIn().stream().filter(v -> v.name.equals(lower)).findFirst();
    }

    /** True if executing {@code op} outside ring 0 raises #GP on this variant. */
    public boolean trapsOutsideRing0(Opcode op) {
        return op.isSensitive() && !unprivileged.contains(op);
    }

    /** The Popek-Goldberg class of {@code op} on this variant. */
    public PgClass classify(Opcode op) {
        if (trapsOutsideRing0(op)) {
            return PgClass.PRIVILEGED;
        }
        return switch (op.sensitivity()) {
            case INNOCUOUS -> PgClass.INNOCUOUS;
            case CONTROL -> PgClass.CONTROL_SENSITIVE;
            case BEHAVIOR -> PgClass.BEHAVIOR_SENSITIVE;
        };
    }

    /**
     * Popek and Goldberg's Theorem 1: a trap-and-emulate VMM can be built if every sensitive
     * instruction is privileged.
     */
    public boolean satisfiesTheorem1() {
        return Arrays.stream(Opcode.values()).noneMatch(op -> classify(op).isSensitiveUnprivileged());
    }

    @Override
    public String toString() {
        if (unprivileged.isEmpty()) {
            return name;
        }
        return name + unprivileged.stream().map(Opcode::mnemonic)
                .sorted().collect(Collectors.joining(",", "[", "]"));
    }
}
