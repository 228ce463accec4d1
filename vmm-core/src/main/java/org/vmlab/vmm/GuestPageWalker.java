package org.vmlab.vmm;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.Pte;

/**
 * Walks the guest's own page tables in software, as the bare machine's MMU would walk them: the
 * same two levels, the same permission checks, the same page-fault error codes, and (when asked)
 * the same accessed and dirty bits set in the guest's entries.
 *
 * <p>Every memory virtualization needs this walk: shadow paging to fill a shadow entry on a
 * hidden fault, the VMM to read and write guest-virtual memory when it emulates an instruction
 * or delivers a trap. A page table that lies outside guest RAM reads as "not present", as on
 * the bare machine.
 */
public final class GuestPageWalker {
    private final GuestPhysicalMemory memory;

    public GuestPageWalker(GuestPhysicalMemory memory) {
        this.memory = memory;
    }

    /**
     * The result of a successful walk.
     *
     * @param gpa        the guest-physical address
     * @param pdeAddress the guest-physical address of the directory entry used
     * @param pteAddress the guest-physical address of the table entry used
     * @param pte        the table entry (after any accessed or dirty update)
     * @param writable   true if the guest's entries allow writes (directory and table both)
     * @param user       true if the guest's entries allow user access (directory and table both)
     */
    public record Translation(int gpa, int pdeAddress, int pteAddress, int pte,
            boolean writable, boolean user) {
        /** The guest frame number. */
        public int frame() {
            return gpa >>> 12;
        }
    }

    /**
     * Translates {@code va} for an access of kind {@code access} ({@link Mmu#READ},
     * {@link Mmu#WRITE}, {@link Mmu#FETCH}) from a guest running in ring {@code ring}, with the
     * guest's page directory at {@code cr3} and its cr0 write-protect bit {@code writeProtect}.
     *
     * @param setBits true to set accessed and dirty bits as the hardware walker does
     * @throws Fault the page fault the guest's hardware would raise
     */
    public Translation walk(int va, int access, int ring, int cr3, boolean writeProtect, boolean setBits) {
        boolean user = ring == 3;
        int pdeAddress = (cr3 & Pte.FRAME_MASK) | (Pte.directoryIndex(va) << 2);
        int pde = readEntry(pdeAddress);
        if ((pde & Pte.PRESENT) == 0) {
            throw pageFault(va, access, user, false);
        }
        int pteAddress = (pde & Pte.FRAME_MASK) | (Pte.tableIndex(va) << 2);
        int pte = readEntry(pteAddress);
        if ((pte & Pte.PRESENT) == 0) {
            throw pageFault(va, access, user, false);
        }
        int effective = pde & pte & (Pte.WRITABLE | Pte.USER);
        if (user && (effective & Pte.USER) == 0) {
            throw pageFault(va, access, user, true);
        }
        boolean honourReadOnly = user || writeProtect;
        if (access == Mmu.WRITE && honourReadOnly && (effective & Pte.WRITABLE) == 0) {
            throw pageFault(va, access, user, true);
        }
        if (setBits) {
            setBits(pdeAddress, pde, Pte.ACCESSED);
            int bits = Pte.ACCESSED | (access == Mmu.WRITE ? Pte.DIRTY : 0);
            setBits(pteAddress, pte, bits);
            pte |= bits;
        }
        return new Translation((pte & Pte.FRAME_MASK) | (va & 0xFFF), pdeAddress, pteAddress, pte,
                (effective & Pte.WRITABLE) != 0, (effective & Pte.USER) != 0);
    }

    private int readEntry(int gpa) {
        return memory.contains(gpa, 4) ? memory.readWord(gpa) : 0;
    }

    /** Sets bits as the hardware does: quietly, since they change no mapping. */
    private void setBits(int gpa, int old, int bits) {
        if ((old | bits) != old) {
            memory.writeWordQuietly(gpa, old | bits);
        }
    }

    private static Fault pageFault(int va, int access, boolean user, boolean present) {
        int code = access | (user ? Vector.PF_USER : 0) | (present ? Vector.PF_PRESENT : 0);
        return new Fault(Vector.PAGE_FAULT, code, va);
    }
}
