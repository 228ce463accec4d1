; pde.s -- a kernel that rewrites its page directory and page tables (Lab 3's tests).
;
; It maps the 4 MiB window at WINDOW through table A, reads two pages, points the directory
; entry at table B instead, reloads cr3 and reads again; then rewrites an entry of B and
; invalidates it with invlpg. A shadow page table must follow every one of these writes: one
; built from the old directory entry, or the old table entry, would read the old frames.

    .include "../../guests/standalone/standalone.s"

WINDOW      = 0x00800000        ; directory entry 2
PT_A        = 0x00083000
PT_B        = 0x00084000
FRAME_X1    = 0x00085000
FRAME_X2    = 0x00086000
FRAME_Y1    = 0x00087000
FRAME_Y2    = 0x00088000
PTE_PW      = PTE_P | PTE_W

main:
    call paging_on
    li r1, PT_A
    call zero_page
    li r1, PT_B
    call zero_page
    li r1, PT_A                 ; A: the window's first two pages are X1, X2
    li r2, FRAME_X1 | PTE_PW
    sw r2, 0(r1)
    li r2, FRAME_X2 | PTE_PW
    sw r2, 4(r1)
    li r1, PT_B                 ; B: they are Y1, Y2
    li r2, FRAME_Y1 | PTE_PW
    sw r2, 0(r1)
    li r2, FRAME_Y2 | PTE_PW
    sw r2, 4(r1)
    li r1, FRAME_X1             ; a value in each frame (reached through the identity map)
    li r2, 0x1111
    sw r2, 0(r1)
    li r1, FRAME_X2
    li r2, 0x2222
    sw r2, 0(r1)
    li r1, FRAME_Y1
    li r2, 0x3333
    sw r2, 0(r1)
    li r1, FRAME_Y2
    li r2, 0x4444
    sw r2, 0(r1)

    li r1, PGDIR                ; the window through A
    li r2, PT_A | PTE_PW
    sw r2, 8(r1)
    li r3, WINDOW
    lw r5, 0(r3)                ; 0x1111
    lw r6, 4096(r3)             ; 0x2222

    li r2, PT_B | PTE_PW        ; the window through B; cr3 reloaded flushes the TLB
    sw r2, 8(r1)
    mfcr r4, cr3
    mtcr cr3, r4
    lw r7, 0(r3)                ; 0x3333
    lw r8, 4096(r3)             ; 0x4444

    li r1, PT_B                 ; B's second entry now X1, invalidated by invlpg
    li r2, FRAME_X1 | PTE_PW
    sw r2, 4(r1)
    li r4, WINDOW + 4096
    invlpg r4
    lw r9, 4096(r3)             ; 0x1111

    la r1, msg
    call kputs
    poweroff

finish:
    poweroff

msg: .asciz "pde: done\n"
