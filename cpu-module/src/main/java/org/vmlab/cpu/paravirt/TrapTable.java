package org.vmlab.cpu.paravirt;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.DirectGate;
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
 *
 * <p>Bit 11 makes an entry a <em>fast trap</em> ({@link XenAbi#TI_FAST_TRAP}, as Xen's
 * {@code set_fast_trap}): {@code int} from user mode enters its handler through the processor's
 * direct gate ({@link #directGates}), with no exit. Only a system call can be fast: a vector that
 * is no exception's nor the hypercall's, that user mode may raise (ring 3), whose entry leaves
 * events as they are (the processor cannot set the upcall mask: Xen, too, keeps an entry with
 * {@code TI_GET_IF} off its direct gate), with a handler the guest kernel can fetch from its RAM.
 * A list with a fast entry that is not is refused ({@code -EINVAL}) and changes nothing.
 */
final class TrapTable implements VirtualTraps.Gates {
    private final int[] gates = new int[Vector.COUNT];
    private final boolean[] masksEvents = new boolean[Vector.COUNT];
    private final boolean[] fast = new boolean[Vector.COUNT];
    // The direct gates of the fast entries, for the ring last asked; null when the table changed.
    private List<DirectGate> directGates;
    private int directGatesRing = -1;

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
     * reads it ({@link GuestCopy}). All or nothing: a list that cannot be read, that runs past one
     * entry per vector without its end, or that marks an entry fast that cannot be, changes
     * nothing.
     *
     * @return 0, {@code -EFAULT} or {@code -EINVAL}
     */
    int register(VirtualMachine vm, int list) {
        int[] read = new int[Vector.COUNT];
        boolean[] masks = new boolean[Vector.COUNT];
        boolean[] fasts = new boolean[Vector.COUNT];
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
            fasts[vector] = (info & XenAbi.TI_FAST_TRAP) != 0;
            given[vector] = true;
            if (fasts[vector] && !canBeFast(vm, vector, info, address & ~3)) {
                return -Errno.EINVAL;
            }
        }
        for (int v = 0; v < gates.length; v++) {
            if (given[v]) {
                gates[v] = read[v];
                masksEvents[v] = masks[v];
                fast[v] = fasts[v];
            }
        }
        directGates = null;
        return 0;
    }

    /**
     * Whether the entry of {@code vector} may be a fast trap: a system call a user may raise, not
     * masking events, whose handler the guest kernel can fetch from its RAM now (the processor
     * will enter it with no check of the hypervisor's; entering it still faults in the guest's
     * own ring if the guest changes the mapping later).
     */
    private static boolean canBeFast(VirtualMachine vm, int vector, int info, int handler) {
        if (vector < Vector.IRQ_BASE || vector == XenAbi.HYPERCALL_VECTOR) {
            return false;   // an exception's vector, or the hypervisor's own
        }
        if ((info >>> 8 & 3) != 3 || (info & XenAbi.TI_MASK_EVENTS) != 0) {
            return false;
        }
        try {
            vm.guestMemory().physicalAddressOfCode(handler);
            return true;
        } catch (Fault outsideTheGuest) {
            return false;
        }
    }

    /** Whether {@code vector}'s entry is a fast trap. */
    boolean isFast(int vector) {
        return vector >= 0 && vector < fast.length && fast[vector];
    }

    /**
     * The processor's direct gates for the fast entries: each enters its handler in
     * {@code kernelRing}, the guest kernel's real ring (never the hypervisor's), leaving IF as it
     * is, as a fast entry leaves events.
     */
    List<DirectGate> directGates(int kernelRing) {
        if (directGates == null || directGatesRing != kernelRing) {
            List<DirectGate> list = new ArrayList<>();
            for (int v = 0; v < fast.length; v++) {
                if (fast[v]) {
                    list.add(new DirectGate(v, gates[v] & ~3, kernelRing, false));
                }
            }
            directGates = List.copyOf(list);
            directGatesRing = kernelRing;
        }
        return directGates;
    }
}
