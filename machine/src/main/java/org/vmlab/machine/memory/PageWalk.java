package org.vmlab.machine.memory;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;

/**
 * The two-level page walk of {@code docs/isa.md} ("Paging"), written once: the directory entry,
 * the table entry, the permission checks on both, the page-fault error code, and the accessed and
 * dirty bits. The MMU walks the machine's tables with it, the VMM the guest's
 * ({@code GuestPageWalker}); nested paging composes it, one walk per dimension.
 */
public final class PageWalk {
    private PageWalk() {
    }

    /**
     * A successful walk.
     *
     * @param address    the translated address of {@code va}
     * @param pdeAddress where the directory entry used is
     * @param pteAddress where the table entry used is
     * @param pte        the table entry, with any accessed or dirty bit the walk set
     * @param effective  the permissions of directory and table entries together
     *                   ({@link Pte#WRITABLE}, {@link Pte#USER})
     */
    public record Result(int address, int pdeAddress, int pteAddress, int pte, int effective) {
    }

    /**
     * Walks the tables under {@code directory} for an access of kind {@code access}
     * ({@link Mmu#READ}, {@link Mmu#WRITE}, {@link Mmu#FETCH}).
     *
     * @param user         whether the access is from ring 3
     * @param directory    the page directory's address (cr3, a frame address)
     * @param writeProtect cr0.WP: whether ring 0 honours read-only entries too
     * @param setBits      whether to set accessed and dirty bits, as the hardware does
     * @throws Fault the page fault the hardware raises, with {@code va} as its address
     */
    public static Result walk(PageTableMemory tables, int va, int access, boolean user, int directory,
                              boolean writeProtect, boolean setBits) {
        int pdeAddress = directory | (Pte.directoryIndex(va) << 2);
        int pde = tables.readEntry(pdeAddress);
        if ((pde & Pte.PRESENT) == 0) {
            throw pageFault(va, access, user, false);
        }
        int pteAddress = (pde & Pte.FRAME_MASK) | (Pte.tableIndex(va) << 2);
        int pte = tables.readEntry(pteAddress);
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
            setBits(tables, pdeAddress, pde, Pte.ACCESSED);
            int bits = Pte.ACCESSED | (access == Mmu.WRITE ? Pte.DIRTY : 0);
            setBits(tables, pteAddress, pte, bits);
            pte |= bits;
        }
        return new Result((pte & Pte.FRAME_MASK) | (va & 0xFFF), pdeAddress, pteAddress, pte, effective);
    }

    private static void setBits(PageTableMemory tables, int address, int old, int bits) {
        if ((old | bits) != old) {
            tables.writeEntry(address, old | bits);
        }
    }

    private static Fault pageFault(int va, int access, boolean user, boolean present) {
        int code = access | (user ? Vector.PF_USER : 0) | (present ? Vector.PF_PRESENT : 0);
        return new Fault(Vector.PAGE_FAULT, code, va);
    }
}
