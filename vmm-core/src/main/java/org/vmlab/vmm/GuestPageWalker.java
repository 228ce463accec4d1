package org.vmlab.vmm;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PageTableMemory;
import org.vmlab.machine.memory.PageWalk;
import org.vmlab.machine.memory.Pte;

/**
 * Walks the guest's own page tables in software, as the bare machine's MMU walks them: the very
 * same walk ({@link PageWalk}) over the guest's physical memory instead of the machine's, so the
 * same two levels, permission checks, page-fault error codes, and (when asked) accessed and dirty
 * bits set in the guest's entries.
 *
 * <p>Every memory virtualization needs this walk: shadow paging to fill a shadow entry on a
 * hidden fault, the VMM to read and write guest-virtual memory when it emulates an instruction
 * or delivers a trap. A page table that lies outside guest RAM reads as "not present", as on
 * the bare machine.
 *
 * <p>The frame numbers in the guest's tables and cr3 are guest-physical, except under direct
 * paging, where they are machine frames: {@link PageTableFrames} says what they stand for, and the
 * walk turns each into the guest-physical address it means.
 */
public final class GuestPageWalker {
    private final GuestPhysicalMemory memory;
    private final PageTableFrames frames;
    private final GuestTables tables = new GuestTables();

    /** A walker of tables that name guest-physical frames. */
    public GuestPageWalker(GuestPhysicalMemory memory) {
        this(memory, PageTableFrames.GUEST_PHYSICAL);
    }

    /** A walker of tables whose frame numbers stand for what {@code frames} says. */
    public GuestPageWalker(GuestPhysicalMemory memory, PageTableFrames frames) {
        this.memory = memory;
        this.frames = frames;
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
        PageWalk.Result walked = PageWalk.walk(tables, va, access, ring == 3, cr3 & Pte.FRAME_MASK,
                writeProtect, setBits);
        int gpa = walked.address();
        int pdeAddress = walked.pdeAddress();
        int pteAddress = walked.pteAddress();
        if (frames != PageTableFrames.GUEST_PHYSICAL) {
            if (frames.guestFrame(gpa >>> 12) == PageTableFrames.NONE) {
                // An entry mapping what is nothing of the guest's: no such entry passes
                // validation, but should one be there, the guest's access goes nowhere.
                throw new Fault(Vector.PAGE_FAULT, access | (ring == 3 ? Vector.PF_USER : 0) | Vector.PF_PRESENT, va);
            }
            gpa = guestAddress(gpa);
            pdeAddress = guestAddress(pdeAddress);
            pteAddress = guestAddress(pteAddress);
        }
        return new Translation(gpa, pdeAddress, pteAddress, walked.pte(),
                (walked.effective() & Pte.WRITABLE) != 0, (walked.effective() & Pte.USER) != 0);
    }

    /** The guest-physical address that {@code address}, as the tables name it, means. */
    private int guestAddress(int address) {
        return frames.guestFrame(address >>> 12) << 12 | (address & 0xFFF);
    }

    /** Guest-physical memory as the walk sees it, at the addresses the tables name. */
    private final class GuestTables implements PageTableMemory {
        @Override
        public int readEntry(int address) {
            if (frames != PageTableFrames.GUEST_PHYSICAL && frames.guestFrame(address >>> 12) == PageTableFrames.NONE) {
                return 0;
            }
            int gpa = frames == PageTableFrames.GUEST_PHYSICAL ? address : guestAddress(address);
            return memory.contains(gpa, 4) ? memory.readWord(gpa) : 0;
        }

        /** Sets bits as the hardware does: quietly, since they change no mapping. */
        @Override
        public void writeEntry(int address, int value) {
            memory.writeWordQuietly(frames == PageTableFrames.GUEST_PHYSICAL ? address : guestAddress(address), value);
        }
    }
}
