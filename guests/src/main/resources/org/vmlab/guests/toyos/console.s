; console.s -- kernel output on the serial console (port COM1).
;
; Kernel calling convention (also used by the user programs): arguments in r1..r4, result in
; r1; r1..r7 and r15 may be changed by a call; r8..r13 and sp are preserved.

; kputc(r1 = byte)
kputc:
    pv_out COM1, r1
    ret

; kputs(r1 = NUL-terminated string)
kputs:
.if PARAVIRT
    jmp xen_puts                ; the whole line in one console_io
.endif
    pv_irq_save                 ; a line is not interleaved with an interrupt handler's output
kputs_next:
    lbu r2, 0(r1)
    cmp r2, r0
    beq kputs_done
    pv_out COM1, r2
    addi r1, r1, 1
    jmp kputs_next
kputs_done:
    pv_irq_restore
    ret

; kputhex(r1 = value): "0x" and eight hex digits
kputhex:
    mov r3, r1
    addi r2, r0, '0'
    pv_out COM1, r2
    addi r2, r0, 'x'
    pv_out COM1, r2
    addi r4, r0, 28             ; shift of the next digit
kputhex_loop:
    shr r2, r3, r4
    andi r2, r2, 15
    cmpi r2, 10
    blt kputhex_digit
    addi r2, r2, 'a' - '0' - 10
kputhex_digit:
    addi r2, r2, '0'
    pv_out COM1, r2
    addi r4, r4, -4
    cmp r4, r0
    bge kputhex_loop
    ret

; kputdec(r1 = unsigned value)
kputdec:
    la r2, kputdec_end
    addi r4, r0, 10
kputdec_loop:
    addi r2, r2, -1
    remu r3, r1, r4
    addi r3, r3, '0'
    sb r3, 0(r2)
    divu r1, r1, r4
    cmp r1, r0
    bne kputdec_loop
    mov r1, r2
    jmp kputs                   ; tail call: kputs returns to our caller

; panic(r1 = message): print it and power off. Never returns.
panic:
    push r1
    la r1, msg_panic
    call kputs
    pop r1
    call kputs
    la r1, msg_nl
    call kputs
    pv_poweroff

kputdec_buf:
    .space 11
kputdec_end:
    .byte 0
    .align 4
