package org.vmlab.cpu.paravirt;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VirtualTraps;

/**
 * A paravirtual guest's trap table, as it registered it with {@code set_trap_table}: for each
 * vector, the handler's address, the outermost ring that may raise it with {@code int}, and
 * whether entering the handler masks events (as an interrupt gate clears IF; without it, events
 * stay as they were, as in Xen). The
 * hypervisor keeps it, not the guest's memory (the guest kernel cannot load an IDT from ring 1),
 * and delivers the guest's exceptions and system calls through it, as Xen does.
 *
 * <p>The guest's list is Xen's {@code trap_info} array in this machine's words: per entry, a
 * word with the vector in bits 7..0, the ring in bits 9..8 and "mask events on entry" in bit 10
 * ({@code TI_GET_IF}), then the handler's address; an entry whose address is 0 ends the list.
 */
final class TrapTable implements VirtualTraps.Gates {
    private final int[] gates = new int[Vector.COUNT];
    private final boolean[] masksEvents = new boolean[Vector.COUNT];

    @Override
    public int gate(int vector) {
        return vector >= 0 && vector < gates.length ? gates[vector] : 0;
    }

    @Override
    public boolean masksInterrupts(int vector) {
        return vector >= 0 && vector < gates.length && masksEvents[vector];
    }

    /**
     * Registers the entries of the list at guest-virtual {@code list}, read as the guest kernel
     * reads it ({@link GuestCopy}). All or nothing: a list that cannot be read, or that runs past one entry
     * per vector without its end, changes nothing.
     *
     * @return 0, {@code -EFAULT} or {@code -EINVAL}
     */
    int register(VirtualMachine vm, int list) {
        int[] read = new int[Vector.COUNT];
        boolean[] masks = new boolean[Vector.COUNT];
        boolean[] given = new boolean[Vector.COUNT];
        for (int entry = 0; ; entry++) {
            if (entry > Vector.COUNT) {
                return -Errno.EINVAL;   // more entries than vectors: no end in sight
            }
            int info;
            int address;
            try {
                info = GuestCopy.fromGuestWord(vm, list + 8 * entry);
                address = GuestCopy.fromGuestWord(vm, list + 8 * entry + 4);
            } catch (Fault f) {
                return -Errno.EFAULT;
            }
            if (address == 0) {
                break;
            }
            int vector = info & 0xFF;
            read[vector] = (address & ~3) | (info >>> 8 & 3);
            masks[vector] = (info & XenAbi.TI_MASK_EVENTS) != 0;
            given[vector] = true;
        }
        for (int v = 0; v < gates.length; v++) {
            if (given[v]) {
                gates[v] = read[v];
                masksEvents[v] = masks[v];
            }
        }
        return 0;
    }
}
