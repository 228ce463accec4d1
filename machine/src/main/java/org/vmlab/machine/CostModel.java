package org.vmlab.machine;

/**
 * What the bare machine's events cost, in simulated cycles.
 *
 * <p>Each instruction costs its {@linkplain org.vmlab.machine.isa.Opcode#cycles() base cycles};
 * on top of that a TLB miss costs the memory references of its page walk, entering a trap or
 * interrupt handler and returning from it cost a fixed amount, and a port access costs the
 * round trip to a device. The defaults are of the order of a Pentium 4-class processor of the
 * period the lectures discuss; {@code docs/cost-model.md} gives the sources.
 *
 * @param memoryReference  one memory reference made by the page walker
 * @param trapEntry        delivering an exception, interrupt or {@code int}
 * @param interruptReturn  {@code iret}
 * @param portAccess       one {@code in} or {@code out}
 */
public record CostModel(int memoryReference, int trapEntry, int interruptReturn, int portAccess) {

    public static final CostModel DEFAULT = new CostModel(20, 120, 80, 1000);

    public CostModel {
        if (memoryReference < 0 || trapEntry < 0 || interruptReturn < 0 || portAccess < 0) {
            throw new IllegalArgumentException("costs cannot be negative");
        }
    }
}
