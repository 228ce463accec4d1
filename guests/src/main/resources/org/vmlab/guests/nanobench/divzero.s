; divzero.s -- nanobenchmark 6, "divzero": a divide error, raised and handled in the kernel.
;
; `div` by r0 (always zero) raises #DE; the handler advances the saved pc past the faulting
; instruction and returns. An exception that the guest itself handles: natively the hardware
; delivers it through the guest's interrupt table; under a VMM the fault goes to the VMM first,
; which reflects it into the guest's handler (and emulates the guest's iret).

bench_name: .asciz "divzero"
    .align 4

bench:
    set_gate T_DE, de_skip, 0
divzero_loop:
    div r1, r9, r0              ; #DE: the handler skips it
    addi r9, r9, -1
    cmp r9, r0
    bne divzero_loop
    jmp finish

de_skip:
    push r1
    lw r1, 8(sp)                ; the pc of the faulting div (above r1 and the error code)
    addi r1, r1, 4
    sw r1, 8(sp)
    pop r1
    addi sp, sp, 4              ; the error code
    iret
