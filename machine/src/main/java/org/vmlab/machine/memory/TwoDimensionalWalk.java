package org.vmlab.machine.memory;

import java.util.Objects;
import org.vmlab.machine.Fault;

/**
 * Nested paging's two-dimensional walk (R. Bhargava, B. Serebrin, F. Spadini and S. Manne,
 * "Accelerating Two-Dimensional Page Walks for Virtualized Systems", ASPLOS 2008): a guest-virtual
 * address is translated by the guest's own page tables, which hold guest-physical addresses, and
 * every guest-physical address on the way (the guest's directory, its page table, and the page at
 * the end) is translated to a machine address by the nested tables. The guest's dimension is the
 * machine's one {@link PageWalk}, walking tables that it reaches through the nested dimension.
 *
 * <p>Without a TLB, a walk of n guest levels and m nested levels makes (n+1)(m+1)-1 memory
 * references: here n = m = 2, so 8 (each of the three guest-physical addresses takes m, and each
 * of the n guest entries one more). {@link #references()} counts them, over every walk.
 *
 * <p>A guest page fault (its own tables refuse the access) is the guest's: {@link PageWalk}'s
 * {@link Fault}, with the guest-virtual address. A nested refusal is the monitor's: a
 * {@link NestedPageViolation}, thrown as {@link Violation}.
 */
public final class TwoDimensionalWalk {
    private static final int LEVELS = 2;

    private final PhysicalMemory machine;
    private long references;

    /** Walks over the machine's memory {@code machine}, where both dimensions' tables are. */
    public TwoDimensionalWalk(PhysicalMemory machine) {
        this.machine = Objects.requireNonNull(machine, "machine");
    }

    /**
     * A translation.
     *
     * @param machineAddress the machine address of the byte
     * @param guestPhysical  its guest-physical address
     * @param guest          the guest dimension's walk
     * @param nestedPermissions what the nested entries of the final translation permit together
     *                       ({@link NestedPte#READ}, {@link NestedPte#WRITE}, {@link NestedPte#EXECUTE})
     */
    public record Translation(int machineAddress, int guestPhysical, PageWalk.Result guest, int nestedPermissions) {
    }

    /**
     * A translation by the nested tables alone.
     *
     * @param machineAddress the machine address of the byte
     * @param permissions    what the nested entries permit together
     */
    public record NestedTranslation(int machineAddress, int permissions) {
    }

    /** The exception a nested refusal is thrown as, carrying the violation. */
    public static final class Violation extends RuntimeException {
        private final transient NestedPageViolation violation;

        Violation(NestedPageViolation violation) {
            super(String.format("nested page violation at guest-physical 0x%08x (qualification 0x%x)",
                    violation.guestPhysical(), violation.qualification()), null, false, false);
            this.violation = violation;
        }

        public NestedPageViolation violation() {
            return violation;
        }
    }

    /**
     * Translates guest-virtual {@code va} for an access of kind {@code access}.
     *
     * @param nestedRoot   the nested directory's machine address (Intel's EPTP)
     * @param guestRoot    the guest's cr3: its directory's guest-physical address
     * @param user         whether the guest accesses from its ring 3
     * @param writeProtect the guest's cr0.WP
     * @throws Fault     a guest page fault
     * @throws Violation a nested page violation
     */
    public Translation translate(int nestedRoot, int guestRoot, int va, int access, boolean user,
            boolean writeProtect) {
        PageTableMemory guestTables = new GuestTables(nestedRoot, va);
        PageWalk.Result guest = PageWalk.walk(guestTables, va, access, user, guestRoot, writeProtect, true);
        Nested at = walkNested(nestedRoot, guest.address(), va, access, true);
        return new Translation(at.address(), guest.address(), guest, at.permissions());
    }

    /**
     * Translates guest-physical {@code gpa} through the nested tables alone (a guest with paging
     * off, or DMA): m references.
     *
     * @throws Violation a nested page violation
     */
    public int translatePhysical(int nestedRoot, int gpa, int access) {
        return nested(nestedRoot, gpa, gpa, access, true);
    }

    /** As {@link #translatePhysical}, with the permissions the nested entries give (for a TLB entry). */
    public NestedTranslation translatePhysicalWithPermissions(int nestedRoot, int gpa, int access) {
        Nested at = walkNested(nestedRoot, gpa, gpa, access, true);
        return new NestedTranslation(at.address(), at.permissions());
    }

    /** Memory references made by every walk so far: entries of either dimension read. */
    public long references() {
        return references;
    }

    /**
     * The nested dimension: guest-physical {@code gpa} to a machine address, the entries' accessed
     * bits set, and the leaf's dirty bit for a write.
     */
    private int nested(int root, int gpa, int va, int access, boolean finalTranslation) {
        return walkNested(root, gpa, va, access, finalTranslation).address();
    }

    /** Where a nested walk ended: the machine address, the permissions, and the leaf entry's address. */
    private record Nested(int address, int permissions, int leafAddress) {
    }

    private Nested walkNested(int root, int gpa, int va, int access, boolean finalTranslation) {
        int permissions = NestedPte.PERMISSIONS;
        int entryAddress = root & NestedPte.FRAME_MASK | Pte.directoryIndex(gpa) << 2;
        int entry = 0;
        for (int level = 0; level < LEVELS; level++) {
            entry = readEntry(entryAddress);
            permissions &= entry;
            if (!NestedPte.present(entry)) {
                throw violation(gpa, va, access, 0, finalTranslation);
            }
            if ((permissions & NestedPte.needed(access)) == 0) {
                throw violation(gpa, va, access, permissions, finalTranslation);
            }
            boolean leaf = level == LEVELS - 1;
            setBits(entryAddress, entry, NestedPte.ACCESSED | (leaf && access == Mmu.WRITE ? NestedPte.DIRTY : 0));
            if (!leaf) {
                entryAddress = entry & NestedPte.FRAME_MASK | Pte.tableIndex(gpa) << 2;
            }
        }
        return new Nested(entry & NestedPte.FRAME_MASK | gpa & 0xFFF, permissions & NestedPte.PERMISSIONS, entryAddress);
    }

    private void setBits(int entryAddress, int entry, int bits) {
        if ((entry | bits) != entry) {
            machine.writeWord(entryAddress, entry | bits);
        }
    }

    private int readEntry(int machineAddress) {
        references++;
        return machine.contains(machineAddress, 4) ? machine.readWord(machineAddress) : 0;
    }

    private static Violation violation(int gpa, int va, int access, int permissions, boolean finalTranslation) {
        return new Violation(new NestedPageViolation(gpa, va, access, permissions & NestedPte.PERMISSIONS,
                finalTranslation));
    }

    /**
     * The guest's page tables as the guest dimension sees them: each entry's guest-physical address
     * translated by the nested tables, then read from machine memory, one reference more. Where the
     * guest walk sets an accessed or dirty bit it writes the entry it has just read, through the
     * translation it has just made: a write to the guest's paging structure, which the nested
     * entries must permit (as EPT with accessed and dirty flags treats it), and which marks the
     * nested leaf dirty.
     */
    private final class GuestTables implements PageTableMemory {
        private final int nestedRoot;
        private final int va;
        // The nested translations of the entries this walk read, by guest-physical address.
        private final java.util.Map<Integer, Nested> read = new java.util.HashMap<>(4);

        GuestTables(int nestedRoot, int va) {
            this.nestedRoot = nestedRoot;
            this.va = va;
        }

        @Override
        public int readEntry(int gpa) {
            Nested at = walkNested(nestedRoot, gpa, va, Mmu.READ, false);
            read.put(gpa, at);
            return TwoDimensionalWalk.this.readEntry(at.address());
        }

        @Override
        public void writeEntry(int gpa, int value) {
            Nested to = read.get(gpa);   // PageWalk writes only entries it has read
            if ((to.permissions() & NestedPte.WRITE) == 0) {
                throw violation(gpa, va, Mmu.WRITE, to.permissions(), false);
            }
            setBits(to.leafAddress(), machine.readWord(to.leafAddress()), NestedPte.DIRTY);
            if (machine.contains(to.address(), 4)) {
                machine.writeWord(to.address(), value);
            }
        }
    }
}
