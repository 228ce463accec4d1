package org.vmlab.vmm;

import java.util.Locale;

/**
 * Something the VMM spends simulated cycles on, beyond the guest's own instructions. The core
 * declares its own ({@link CoreEvent}); each technique declares its events in its own module and
 * lists them in {@link CpuVirtualization#events()} or {@link MemoryVirtualization#events()}, so
 * that a new technique brings its costs without a change to the core. {@link VmmCostModel} prices
 * each at its default unless told otherwise; {@code docs/cost-model.md} gives every default's
 * source.
 *
 * <p>A module declares its events as constants made by {@link #declare}, and lists them; their
 * names are unique within a VM.
 */
public interface VmmEvent {

    /** The event's name, upper case with underscores ({@code HIDDEN_FAULT}): unique within a VM. */
    String name();

    /** What one occurrence costs by default, in simulated cycles. */
    int defaultCycles();

    /**
     * Where the default comes from: a published measurement ("Adams and Agesen: ...") or
     * "estimate: " and the reasoning.
     */
    String source();

    /** The name in words, as summaries print it ({@code hidden fault}). */
    default String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** An event with its default cost and the source of that figure. */
    static VmmEvent declare(String name, int defaultCycles, String source) {
        return new Declared(name, defaultCycles, source);
    }

    /** An event as {@link #declare} makes it: a value. */
    record Declared(String name, int defaultCycles, String source) implements VmmEvent {
        public Declared {
            if (!name.matches("[A-Z][A-Z0-9_]*")) {
                throw new IllegalArgumentException("an event's name is upper case with underscores: " + name);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
