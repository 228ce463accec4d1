package org.vmlab.labs.lab0;

import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.PgClass;

/**
 * Decides the Popek-Goldberg class of an instruction from what the {@link InstructionProbe}
 * observed, never from the instruction table.
 *
 * <p>The rules (see {@code labs/docs/lab0-virtualizable.md}):
 *
 * <ul>
 *   <li><b>privileged</b>: it traps with #GP in ring 3 and not in ring 0;</li>
 *   <li><b>control-sensitive</b>: in some ring where it does not trap, it changes the
 *       configuration;</li>
 *   <li><b>behavior-sensitive</b>: what a program sees of its result depends on the
 *       configuration: on the ring, or on where memory and the interrupt table are;</li>
 *   <li><b>user-sensitive</b>: control- or behavior-sensitive when run in ring 3, where only the
 *       relocation can differ (a guest's user code runs in ring 3 anyway).</li>
 * </ul>
 *
 * <p>The class is the first that applies in the order privileged, control-sensitive,
 * behavior-sensitive, innocuous.
 */
public final class Classifier {

    private Classifier() {
    }

    /** The class of {@code op} on {@code isa}, by experiment. */
    public static PgClass classify(IsaVariant isa, Opcode op) {
        return classify(new InstructionProbe(isa).observe(op));
    }

    /** The class of an instruction from its observations. */
    public static PgClass classify(Observations o) {
        // BEGIN SOLUTION: decide the class: privileged first, then control-, then behavior-sensitive, else innocuous
        if (privileged(o)) {
            return PgClass.PRIVILEGED;
        }
        if (controlSensitive(o)) {
            return PgClass.CONTROL_SENSITIVE;
        }
        if (behaviorSensitive(o)) {
            return PgClass.BEHAVIOR_SENSITIVE;
        }
        return PgClass.INNOCUOUS;
        // END SOLUTION
    }

    /** Traps with #GP in ring 3, in both layouts, and runs without #GP in ring 0. */
    public static boolean privileged(Observations o) {
        // BEGIN SOLUTION: true if the instruction traps with #GP (vector 13) in ring 3 but not in ring 0
        return o.ring3().generalProtection() && o.ring3Relocated().generalProtection()
                && !o.ring0().generalProtection() && !o.ring0Relocated().generalProtection();
        // END SOLUTION
    }

    /** Changes the configuration in some run in which it did not trap. */
    public static boolean controlSensitive(Observations o) {
        // BEGIN SOLUTION: true if a run without a trap changed the configuration (compare before and after)
        return changesConfiguration(o.ring0()) || changesConfiguration(o.ring3())
                || changesConfiguration(o.ring0Relocated()) || changesConfiguration(o.ring3Relocated());
        // END SOLUTION
    }

    /**
     * Its effect depends on the configuration: it differs between two runs that started from the
     * same program-visible state in a different ring or layout.
     */
    public static boolean behaviorSensitive(Observations o) {
        // BEGIN SOLUTION: true if the effect differs between runs that differ only in ring or layout
        boolean byLayout = !o.ring0().effect().equals(o.ring0Relocated().effect())
                || !o.ring3().effect().equals(o.ring3Relocated().effect());
        boolean byRing = !o.ring3().trapped() && !o.ring0().effect().equals(o.ring3().effect());
        return byLayout || byRing;
        // END SOLUTION
    }

    /**
     * Sensitive when run in ring 3: it runs there without trapping and either changes the
     * configuration or its effect depends on the relocation.
     */
    public static boolean userSensitive(Observations o) {
        // BEGIN SOLUTION: true if, in ring 3 and without a trap, it changes the configuration or its effect depends on the layout
        if (o.ring3().trapped() && o.ring3Relocated().trapped()) {
            return false;
        }
        return changesConfiguration(o.ring3()) || changesConfiguration(o.ring3Relocated())
                || !o.ring3().effect().equals(o.ring3Relocated().effect());
        // END SOLUTION
    }

    /** True if {@code outcome} ran without a trap and left the configuration changed. */
    public static boolean changesConfiguration(Outcome outcome) {
        return !outcome.trapped() && !outcome.before().equals(outcome.after());
    }
}
