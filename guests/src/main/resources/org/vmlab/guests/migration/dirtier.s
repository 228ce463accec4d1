; dirtier: a guest that dirties memory faster than a migration's link can copy it.
; PASSES times, it stores the pass number into the first word of each of PAGES pages from
; 1 MiB on (paging off, interrupts masked: nothing but stores), then powers off. Every pass
; dirties all PAGES pages in about 4 * PAGES instructions, where a gigabit link needs some
; 32,768 cycles to send one page: pre-copy cannot converge, and the stop-and-copy moves the
; rest (docs/migration.md).

.ifndef PAGES
.equ    PAGES, 128
.endif
.ifndef PASSES
.equ    PASSES, 40000
.endif
.equ    FIRST, 0x100000

        .segment kernel, 0x1000
        .entry start
start:
        li      r5, 0                   ; the pass
        li      r6, PASSES
pass:
        li      r1, FIRST
        li      r4, FIRST + PAGES * 4096
page:
        sw      r5, 0(r1)               ; one store dirties the whole page
        addi    r1, r1, 4096
        cmp     r1, r4
        bne     page
        addi    r5, r5, 1
        cmp     r5, r6
        bne     pass
        cli
        hlt
