; write_pagetable.s -- attack "write-pagetable": write a live page-table entry directly.
;
; With paging on, the guest kernel stores into its own page table, the one cr3 points at, an
; entry that maps STEAL_VA to the secret's frame, and reads through it. No cr3 reload and no
; invlpg: the entry was absent, and absent entries are never cached, so the very next access
; walks the table and sees it. On bare metal that is simply how page tables work. Under shadow
; paging the hardware walks the VMM's shadow tables, not this one: the VMM must notice the
; write (the guest's page-table pages are write-protected, so it traps) or find the new entry
; on the hidden fault that follows, and in either case translate and validate its frame.

    .include "attack.s"

STEAL_VA    = 0x00700000        ; absent at boot; its PTE is in PT_USER
STEAL_PTE   = PT_USER + ((STEAL_VA >> 12) & 1023) * 4

attack_name: .asciz "write-pagetable"
    .align 4

main:
    call paging_on
    li r1, STEAL_PTE
    li r2, (SECRET_ADDR & 0xFFFFF000) | PTE_P
    sw r2, 0(r1)                ; no invlpg: the entry was absent
    li r1, STEAL_VA | (SECRET_ADDR & 0xFFF)
    call is_secret
    cmp r1, r0
    beq write_pagetable_failed
    li r1, SECRET_ADDR
    jmp found
write_pagetable_failed:
    mov r1, r2
    jmp not_found
