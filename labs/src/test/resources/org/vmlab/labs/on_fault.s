; on_fault.s -- a trap handler for the labs' test programs that lets a program go on past a fault:
; it counts the fault in r9, records its error code, cr2 and the saved pc at r8 (12 bytes, then r8
; moves on), and returns past the faulting instruction. Only r8, r9 and the record change, so a
; program compares on bare metal and in a VM with its faults recorded in memory.

on_fault:
    push r1
    addi r9, r9, 1
    lw r1, 4(sp)                ; error code
    sw r1, 0(r8)
    mfcr r1, cr2
    sw r1, 4(r8)
    lw r1, 8(sp)                ; the faulting pc
    sw r1, 8(r8)
    addi r8, r8, 12
    addi r1, r1, 4              ; return past it (to the next word, after a jump to a misaligned pc)
    shri r1, r1, 2
    shli r1, r1, 2
    sw r1, 8(sp)
    pop r1
    addi sp, sp, 4              ; the error code
    iret
