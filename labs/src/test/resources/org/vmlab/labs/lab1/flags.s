; flags.s -- the interrupt flag and the privileged state, in ring 0 (Lab 1's tests).
;
; The guest kernel believes it runs in ring 0: every instruction here is privileged or
; sensitive, and each result lands in a register, so that a run beside bare metal, instruction
; by instruction, shows the first one a VMM got wrong.

    .include "../../guests/standalone/standalone.s"

main:
    ; cli, sti, pushf and popf: IF as the guest sees it.
    cli
    pushf
    pop r9                      ; FLAGS with IF = 0, ring 0
    sti
    pushf
    pop r15                     ; FLAGS with IF = 1
    push r9
    popf                        ; IF back to 0 through popf
    pushf
    pop r5
    push r15
    popf                        ; and to 1
    pushf
    pop r6
    cli
    sti                         ; one instruction in the STI shadow, then masked again
    cli
    pushf
    pop r7
    la r1, msg
    call kputs
    poweroff

finish:
    poweroff

msg: .asciz "flags: done\n"
