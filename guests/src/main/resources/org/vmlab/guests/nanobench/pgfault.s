; pgfault.s -- nanobenchmark 5, "pgfault": a page fault that the kernel resolves.
;
; Ring 3 reads two pages in turn, PF_A and PF_B, and each read faults: the page is not
; present. The handler maps the faulting page (to the frame at the same physical address),
; unmaps the other one and invalidates its TLB entry, and returns; the read is retried and
; succeeds. So every iteration takes exactly one page fault, which the guest kernel resolves
; by writing its page table: the guest's own, "true" page fault that a shadow-paging VMM must
; tell from its hidden faults and reflect into the guest, then trace the guest's PTE writes.

PF_A = 0x00520000               ; two user pages of PT_USER, absent at boot, whose TLB slots
PF_B = PF_A + PAGE              ; (vpn mod 64) no page of the loop's code or stack shares

bench_name: .asciz "pgfault"
    .align 4

bench:
    set_gate T_PF, pf_resolve, 0
    la r1, user_touch
    jmp enter_user

; The fault's page p (cr2 rounded down) becomes present, user, writable; the other page
; (p ^ PAGE) absent, and its TLB entry dropped.
pf_resolve:
    push r1
    push r2
    push r3
    mfcr r1, cr2
    shri r1, r1, 12
    shli r1, r1, 12             ; r1 = the page
    shri r2, r1, 10
    andi r2, r2, 0xFFC          ; its index in PT_USER, times 4
    li r3, PT_USER
    add r2, r2, r3              ; r2 = its PTE
    ori r3, r1, PTE_P | PTE_W | PTE_U
    sw r3, 0(r2)
    xori r2, r2, 4              ; the other page's PTE (PF_A and PF_B are neighbours)
    sw r0, 0(r2)
    xori r1, r1, PAGE
    invlpg r1
    pop r3
    pop r2
    pop r1
    addi sp, sp, 4              ; the error code
    iret

    .segment user, USER_BASE
user_touch:
    li r9, ITERATIONS
    li r2, PF_A
user_touch_loop:
    lw r1, 0(r2)                ; faults: the page is absent
    xori r2, r2, PAGE           ; the other page next time
    addi r9, r9, -1
    cmp r9, r0
    bne user_touch_loop
    int T_EXIT
