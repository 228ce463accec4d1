package org.vmlab.machine.memory;

/**
 * An entry of the nested page tables (after Intel's EPT, SDM vol. 3, 29.3.2): guest-physical to
 * machine, two levels as the guest's own tables, with read, write and execute permissions and
 * accessed and dirty bits. There is no present bit: an entry with none of read, write and execute
 * maps nothing (as in EPT). docs/isa.md, "Nested paging".
 */
public final class NestedPte {
    /** Bit 0: reads permitted. */
    public static final int READ = 1;
    /** Bit 1: writes permitted. */
    public static final int WRITE = 1 << 1;
    /** Bit 2: instruction fetches permitted. */
    public static final int EXECUTE = 1 << 2;
    /** The three permissions. */
    public static final int PERMISSIONS = READ | WRITE | EXECUTE;
    /** Bit 8: set by the walk on every entry it uses. */
    public static final int ACCESSED = 1 << 8;
    /** Bit 9: set by the walk on the table entry of a page written. */
    public static final int DIRTY = 1 << 9;
    /** Bits 31..12: the frame (of the next table, or of the page). */
    public static final int FRAME_MASK = 0xFFFF_F000;

    private NestedPte() {
    }

    /** An entry mapping {@code frameAddress} with {@code permissions}. */
    public static int of(int frameAddress, int permissions) {
        return frameAddress & FRAME_MASK | permissions & PERMISSIONS;
    }

    /** Whether the entry maps anything. */
    public static boolean present(int entry) {
        return (entry & PERMISSIONS) != 0;
    }

    /** The permission an access of {@code kind} ({@link Mmu#READ}, {@link Mmu#WRITE}, {@link Mmu#FETCH}) needs. */
    public static int needed(int kind) {
        return kind == Mmu.WRITE ? WRITE : kind == Mmu.FETCH ? EXECUTE : READ;
    }
}
