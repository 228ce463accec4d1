package org.vmlab.labs.lab4;

/**
 * The assembly every small direct-paging guest of the tests starts with: its layout (guest
 * addresses of the frame list the test writes, the words the test leaves, the request buffer,
 * the data page, the results, a page directory and a page table) and the macros that make a
 * hypercall, read a machine frame from the frame list, fill requests, and call mmu_update,
 * mmuext_op and update_va_mapping. Lab 4's graded tests and the paravirtual MMU's own tests both
 * build their guests on it.
 */
public final class PvGuestLibrary {
    /** The layout's symbols and the macros, to put before a guest's code. */
    public static final String LIBRARY = """
            FRAMES = 0x3000
            ARGS = 0x3100
            REQ = 0x4000
            DATA = 0x5000
            RESULTS = 0x6000
            L2 = 0xA000
            L1 = 0xB000
            DOMID_SELF = 0x7FF0
            P = 1
            W = 2
            U = 4
            .macro hypercall number
                li r1, \\number
                int 0x82
            .endm
            .macro mfn rd, gfn              ; rd <- the machine frame of guest frame gfn
                li \\rd, FRAMES + 4 * (\\gfn)
                lw \\rd, 0(\\rd)
            .endm
            .macro arg rd, k                ; rd <- word k the test left
                li \\rd, ARGS + 4 * (\\k)
                lw \\rd, 0(\\rd)
            .endm
            .macro req i, rs                ; request word i <- rs
                li r7, REQ + 4 * (\\i)
                sw \\rs, 0(r7)
            .endm
            .macro reqi i, value            ; request word i <- value
                li r6, \\value
                req \\i, r6
            .endm
            .macro result k
                li r7, RESULTS + 4 * (\\k)
                sw r1, 0(r7)
            .endm
            .macro mmu_update n             ; the n requests at REQ
                li r2, REQ
                li r3, \\n
                li r4, 0
                li r5, DOMID_SELF
                hypercall 1
            .endm
            .macro mmuext_op n
                li r2, REQ
                li r3, \\n
                li r4, 0
                li r5, DOMID_SELF
                hypercall 26
            .endm
            .macro update_va_mapping va, entry, flags
                li r2, \\va
                mov r3, \\entry
                li r4, \\flags
                hypercall 14
            .endm
            .macro poweroff
                li r2, 2
                li r3, off_reason
                hypercall 29
            .endm

            """;

    private PvGuestLibrary() {
    }
}
