package org.vmlab.machine.isa;

/**
 * Whether an instruction is sensitive in the sense of Popek and Goldberg (CACM 17(7), 1974).
 *
 * <p>An instruction is <em>control-sensitive</em> if it can change the configuration of the
 * machine's resources (the processor mode, interrupts, the memory map, devices), and
 * <em>behavior-sensitive</em> if its effect depends on that configuration (the current ring, where
 * memory or the interrupt table is placed). Every other instruction is <em>innocuous</em>.
 * Sensitivity is a property of the instruction's meaning; whether it traps is a property of the
 * ISA variant (see {@link IsaVariant}).
 */
public enum Sensitivity {
    INNOCUOUS,
    CONTROL,
    BEHAVIOR
}
