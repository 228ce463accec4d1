package org.vmlab.machine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which traps leave the execution engine for a monitor, instead of entering a handler through the
 * interrupt table in memory. A trap that exits stops the run with {@link StopReason#TRAP} and
 * leaves a {@link Trap} for the monitor, with the state as it was at the trap (docs/vmm.md, "The
 * real machine, monitored").
 *
 * <p>On bare metal none exits ({@link #NONE}); a VMM that owns ring 0 takes every one
 * ({@link #EVERY_TRAP}). The controls are split as a VMCS splits its own, so that hardware
 * assistance can say more later without changing what an engine is asked: an exception bitmap
 * (one bit per exception vector, 0 to 31), and whether {@code int n} and external interrupts exit.
 *
 * <p>A monitor may also give {@linkplain DirectGate direct gates}: {@code int n} from ring 3 at a
 * vector that has one enters that gate's handler without exiting, whatever the rest says
 * (docs/isa.md, "Direct gates"). That is how a paravirtual guest's system call reaches its
 * kernel without passing through the hypervisor, as under Xen.
 *
 * @param exceptionBitmap           bit {@code v} set: exception (fault) vector {@code v} exits
 * @param softwareInterruptExiting  {@code int n} exits, before the guest's gate is looked at
 * @param externalInterruptExiting  a device interrupt exits (acknowledged at the interrupt
 *                                  controller), where it would have been delivered
 * @param directGates               the direct gates, at most one per vector
 */
public record ExitControls(int exceptionBitmap, boolean softwareInterruptExiting,
                           boolean externalInterruptExiting, List<DirectGate> directGates) {

    /** Bare metal: every trap is delivered through the interrupt table in memory. */
    public static final ExitControls NONE = new ExitControls(0, false, false);

    /** A monitor owns ring 0: every exception, {@code int} and external interrupt exits to it. */
    public static final ExitControls EVERY_TRAP = new ExitControls(~0, true, true);

    public ExitControls {
        directGates = List.copyOf(directGates);
        Set<Integer> vectors = new HashSet<>();
        for (DirectGate gate : directGates) {
            if (!vectors.add(gate.vector())) {
                throw new IllegalArgumentException("two direct gates for vector " + gate.vector());
            }
        }
    }

    /** Controls without direct gates. */
    public ExitControls(int exceptionBitmap, boolean softwareInterruptExiting, boolean externalInterruptExiting) {
        this(exceptionBitmap, softwareInterruptExiting, externalInterruptExiting, List.of());
    }

    /** These controls with {@code gates} as their direct gates (in place of any they had). */
    public ExitControls withDirectGates(List<DirectGate> gates) {
        return new ExitControls(exceptionBitmap, softwareInterruptExiting, externalInterruptExiting, gates);
    }

    /** Whether a trap of {@code kind} at {@code vector} leaves the engine for the monitor. */
    public boolean exits(Trap.Kind kind, int vector) {
        return switch (kind) {
            case FAULT -> vector < Integer.SIZE && (exceptionBitmap & 1 << vector) != 0;
            case SOFTWARE_INTERRUPT -> softwareInterruptExiting;
            case INTERRUPT -> externalInterruptExiting;
        };
    }

    /** The direct gate of {@code vector}, or null if it has none. */
    public DirectGate directGate(int vector) {
        for (DirectGate gate : directGates) {
            if (gate.vector() == vector) {
                return gate;
            }
        }
        return null;
    }
}
