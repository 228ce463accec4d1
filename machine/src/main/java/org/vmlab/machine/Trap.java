package org.vmlab.machine;

/**
 * A trap that left the execution engine for the monitor that owns ring 0 (see {@link ExitControls}
 * and {@link Cpu#setExitControls}): what the monitor's handler learns when control reaches it.
 *
 * @param kind      how control got here
 * @param vector    the interrupt vector ({@link org.vmlab.machine.isa.Vector})
 * @param errorCode the error code the hardware would push (page faults: present, write, user bits)
 * @param address   for a page fault, the faulting virtual address (what cr2 would hold); else 0
 * @param pc        the instruction that trapped (it did not retire), or for an external
 *                  interrupt the next instruction
 * @param nextPc    where the guest goes on after an {@code int}, if its gate admits it; else
 *                  {@code pc}
 */
public record Trap(Kind kind, int vector, int errorCode, int address, int pc, int nextPc) {
    /** How control reached the monitor. */
    public enum Kind {
        /** An exception raised by the instruction at pc: it did not retire. */
        FAULT,
        /** {@code int vector} at pc, not retired: whether the guest's gate admits it is the monitor's question. */
        SOFTWARE_INTERRUPT,
        /** A device interrupt of the real machine, between two instructions. */
        INTERRUPT
    }

    @Override
    public String toString() {
        return String.format("%s vector %d error 0x%x address 0x%08x at pc=0x%08x",
                kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                vector, errorCode, address, pc);
    }
}
