; ptemod.s -- nanobenchmark 7, "ptemod": the kernel changes a page-table entry and drops its
; TLB entry.
;
; The entry maps the kernel page PTEMOD_VA; each iteration points it at the other of two
; frames, executes invlpg, and reads through the new mapping. Natively a store, an
; invalidation and a page walk. Under shadow paging the guest's page tables are
; write-protected once a shadow entry was built from them, so the store traps and the VMM
; traces it and drops the stale shadow entry (A&A: the operation where binary translation,
; which can adapt its translated code, beat hardware assistance most: after a few traces the
; translator makes the store a callout, which costs less than the trap), the invlpg traps too,
; and the read takes a hidden fault that builds the entry again.

PTEMOD_VA = 0x00600000          ; a page of PT_USER's range, supervisor only, absent at boot
PTEMOD_PTE = PT_USER + ((PTEMOD_VA >> 12) & 1023) * 4

bench_name: .asciz "ptemod"
    .align 4

bench:
    li r2, PTEMOD_PTE
    li r3, PTEMOD_VA
    li r4, PTEMOD_VA | PTE_P | PTE_W
ptemod_loop:
    xori r4, r4, PAGE           ; the other frame
    sw r4, 0(r2)
    invlpg r3
    lw r5, 0(r3)                ; use the new mapping
    addi r9, r9, -1
    cmp r9, r0
    bne ptemod_loop
    jmp finish
