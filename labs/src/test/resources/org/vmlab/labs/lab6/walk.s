; walk.s -- TLB misses that walk both dimensions (Lab 6's tests).
;
; Turns paging on and reads a page once (its nested entries are filled then); then, REWALKS
; times (a symbol the test defines), drops the page's TLB entry with invlpg and reads it again.
; Under nested paging invlpg does not exit, and each read walks from scratch: the guest's two
; levels, each entry's guest-physical address through the nested two, and the page's own.

    .include "../../guests/standalone/standalone.s"

DATA        = 0x00090000

main:
    call paging_on
    li r5, DATA
    lw r6, 0(r5)
    addi r7, r0, REWALKS
again:
    cmpi r7, 0
    beq done
    invlpg r5
    lw r6, 0(r5)
    addi r7, r7, -1
    jmp again
done:
    poweroff

finish:
    poweroff
