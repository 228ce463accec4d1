; protection.s -- the guest's protection bits under a shadow page table (Lab 3's tests).
;
;   1. A supervisor-only page that the kernel has read (so its shadow entry exists): user code
;      reading it still faults, #PF with error P|U (a protection fault, not "not present").
;   2. A user page that the guest maps read-only, never touched before: a user write faults
;      with the guest's error code P|W|U, though the real MMU, with no shadow entry yet, saw a
;      page that is not present.
;   3. With cr0.WP off, the kernel may write a read-only page (supervisor writes ignore R/O);
;      with WP on again, the same write faults (P|W, supervisor).
;
; Every fault lands in `on_fault`, which records error code, cr2 and pc and returns past the
; faulting instruction; the record is compared with bare metal's.

    .include "../../guests/standalone/standalone.s"

SECRET_PAGE = 0x00200000        ; kernel memory: PT_LOW maps it supervisor-only
RO_PAGE     = USER_BASE + 0x5000
RO_KERNEL   = USER_BASE + 0x6000

main:
    call paging_on
    set_gate T_PF, on_fault, 0
    addi r9, r0, 0              ; faults taken
    la r8, record
    li r1, PT_USER              ; PT_USER[5] and [6]: present, user, read-only
    li r2, RO_PAGE | PTE_P | PTE_U
    sw r2, 5 * 4(r1)
    li r2, RO_KERNEL | PTE_P | PTE_U
    sw r2, 6 * 4(r1)
    li r1, RO_PAGE
    invlpg r1
    li r1, RO_KERNEL
    invlpg r1

    ; 1. The kernel reads its page first.
    li r1, SECRET_PAGE
    li r2, 0x5ec12e7
    sw r2, 0(r1)
    lw r3, 0(r1)

    ; 3. cr0.WP off: the kernel writes the read-only page; on again: it faults.
    mfcr r1, cr0
    addi r1, r1, -CR0_WP        ; WP was on: clear it
    mtcr cr0, r1
    li r3, RO_KERNEL
    addi r4, r0, 0x77
    sw r4, 0(r3)                ; allowed with WP off
    lw r5, 0(r3)
    ori r1, r1, CR0_WP
    mtcr cr0, r1
    addi r4, r0, 0x88
    sw r4, 4(r3)                ; #PF: P|W, supervisor
    lw r6, 4(r3)                ; 0: the write did not happen

    la r1, user
    call enter_user             ; comes back at `finish`

finish:
    la r1, msg
    call kputs
    poweroff

; on_fault: records the fault and returns past it (../on_fault.s).
    .include "../on_fault.s"

msg: .asciz "protection: done\n"
    .align 4
record: .space 12 * 8

    .segment user, USER_BASE
user:
    li r1, SECRET_PAGE
    lw r2, 0(r1)                ; 1. #PF: P|U, the kernel's page
    li r1, RO_PAGE
    addi r2, r0, 9
    sw r2, 0(r1)                ; 2. #PF: P|W|U, read-only for the guest
    lw r3, 0(r1)                ; reading it is fine
    int T_EXIT
