package org.vmlab.machine;

import org.vmlab.machine.isa.Vector;

/**
 * A gate a monitor gives the processor in its {@link ExitControls}: {@code int vector} executed
 * in ring 3 enters {@code handler} in {@code ring} directly, without exiting and without reading
 * the interrupt table (docs/isa.md, "Direct gates").
 *
 * <p>It is what 32-bit Xen did for a paravirtual guest's system call: it put the guest's
 * {@code int 0x80} gate into the real IDT, with the guest kernel's ring-1 code segment, so that
 * user mode entered the guest kernel without passing through the hypervisor (Barham et al.,
 * SOSP 2003, section 3.3; {@code init_int80_direct_trap}). This machine's gates have no segment
 * to name a ring, and under a monitor no gate in memory is read at all; so the monitor names
 * the vector, the handler and the ring here, as a VMCS holds what the processor must know.
 *
 * @param vector            the software interrupt it serves, 0 to 255
 * @param handler           where the handler starts (word-aligned)
 * @param ring              the ring the handler runs in, 0 to 2 (more privileged than user mode)
 * @param clearsInterrupts  whether entering clears IF (an interrupt gate) or leaves it (a trap
 *                          gate)
 */
public record DirectGate(int vector, int handler, int ring, boolean clearsInterrupts) {
    public DirectGate {
        if (vector < 0 || vector >= Vector.COUNT) {
            throw new IllegalArgumentException("no vector " + vector);
        }
        if ((handler & 3) != 0) {
            throw new IllegalArgumentException(String.format("handler 0x%08x is not word-aligned", handler));
        }
        if (ring < 0 || ring > 2) {
            throw new IllegalArgumentException("a direct gate enters ring 0, 1 or 2, not " + ring);
        }
    }
}
