; control.s -- the privileged state beside IF, in ring 0 (Lab 1's tests): the status word, the
; interrupt table register, the control registers, and paging turned on through them.

    .include "../../guests/standalone/standalone.s"

main:
    smsw r6                     ; ring 0, cr0 as it is
    sidt r7
    li r1, IDT_BASE + 0x400
    lidt r1
    sidt r8
    li r1, IDT_BASE
    lidt r1
    mfcr r10, cr4
    li r1, 0x00070000
    mtcr cr4, r1
    mfcr r11, cr4
    mtcr cr4, r10               ; the kernel stack as it was
    li r1, 0x12345000
    mtcr cr2, r1
    mfcr r12, cr2
    call paging_on              ; cr3 and cr0 written: paging on
    mfcr r13, cr0
    smsw r9
    mfcr r15, cr3
    la r1, msg
    call kputs
    poweroff

finish:
    poweroff

msg: .asciz "control: done\n"
