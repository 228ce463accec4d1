; smc.s -- self-modifying kernel code (Lab 2's tests).
;
; The kernel runs a block, then writes two new instructions over two of it (nop, nop becomes
; pushf, pop r7) and runs the block again. A binary translator must notice that the code it
; translated changed: translated as it was, the pushf would run unseen, copied as it is.

    .include "../../guests/standalone/standalone.s"

main:
    call paging_on
    addi r5, r0, 0              ; passes made
loop:
    addi r5, r5, 1
patch_site:
    nop                         ; becomes pushf on the second pass
    nop                         ; becomes pop r7
    cmpi r5, 2
    beq done
    la r1, patch_site
    la r2, new_code
    lw r3, 0(r2)
    sw r3, 0(r1)
    lw r3, 4(r2)
    sw r3, 4(r1)
    jmp loop
done:
    la r1, msg
    call kputs
    poweroff

finish:
    poweroff

msg: .asciz "smc: done\n"
    .align 4
new_code:                       ; data: the instructions patched in
    pushf
    pop r7
