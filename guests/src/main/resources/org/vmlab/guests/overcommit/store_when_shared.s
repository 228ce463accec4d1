; store_when_shared.s -- a hostile guest for content-based page sharing.
;
; Stores -1 into the first word of guest-physical 0x3000, 20,000 times, then its count of
; stores beside it, and halts. Between two stores the page holds the same bytes in every VM that
; runs this guest, so a page-sharing scanner shares it again and again; the next store must break
; the sharing each time (copy-on-write) and lose nothing: at the end 0x3004 holds 20000 in every
; VM, and each VM's run is exactly bare metal's.

    .segment kernel, 0x1000
    .entry start
start:
    li r1, 0x3000
    li r2, 0
    li r3, -1
    li r4, 20000
loop:
    sw r3, 0(r1)
    addi r2, r2, 1
    cmp r2, r4
    bne loop
    sw r2, 4(r1)
    cli
    hlt
