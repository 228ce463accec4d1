package org.vmlab.machine.memory;

/**
 * A nested page walk found no permission for an access: Intel's EPT violation (SDM vol. 3,
 * 29.3.3.2), which exits to the monitor with the guest-physical address, the guest-linear address
 * if there is one, and an exit qualification (SDM Table 28-7) built by {@link #qualification()}.
 *
 * @param guestPhysical the guest-physical address whose translation failed
 * @param guestLinear   the guest-virtual address being translated
 * @param access        what the access was: {@link Mmu#READ}, {@link Mmu#WRITE} or {@link Mmu#FETCH}
 * @param permissions   the permissions the nested entries gave together ({@link NestedPte#READ},
 *                      {@link NestedPte#WRITE}, {@link NestedPte#EXECUTE}; 0 if not mapped)
 * @param finalTranslation true if the access was to the page {@code guestLinear} translates to;
 *                      false if to one of the guest's own page-table entries on the way
 */
public record NestedPageViolation(int guestPhysical, int guestLinear, int access, int permissions,
                                  boolean finalTranslation) {

    /** Qualification bit 0: the access was a data read. */
    public static final int DATA_READ = 1;
    /** Bit 1: a data write. */
    public static final int DATA_WRITE = 1 << 1;
    /** Bit 2: an instruction fetch. */
    public static final int FETCH = 1 << 2;
    /** Bits 5..3: the entry's read, write and execute permissions. */
    public static final int PERMISSIONS_SHIFT = 3;
    /** Bit 7: the guest-linear address field is valid. */
    public static final int LINEAR_VALID = 1 << 7;
    /** Bit 8: the access was to the final translation (else to a guest paging-structure entry). */
    public static final int FINAL_TRANSLATION = 1 << 8;

    /** The exit qualification, as the SDM's Table 28-7 lays it out. */
    public int qualification() {
        int kind = access == Mmu.WRITE ? DATA_WRITE : access == Mmu.FETCH ? FETCH : DATA_READ;
        return kind | (permissions & NestedPte.PERMISSIONS) << PERMISSIONS_SHIFT | LINEAR_VALID
                | (finalTranslation ? FINAL_TRANSLATION : 0);
    }
}
