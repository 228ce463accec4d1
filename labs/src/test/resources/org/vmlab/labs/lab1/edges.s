; edges.s -- privileged instructions at their edges (Lab 1's tests): the cases a VMM's emulator
; gets wrong while every ordinary use works.
;
;   1. A control register that does not exist (cr6, cr7): mfcr and mtcr raise #GP, as bare
;      metal does, and change nothing.
;   2. popf in ring 0 with a ring in the popped word: the ring does not change (only the
;      condition bits and IF are popf's to write).
;   3. A popf whose read of the stack faults (#PF): nothing changes, not sp, not FLAGS.
;   4. sti with an interrupt already pending: exactly one more instruction runs first (the STI
;      shadow), then the interrupt is taken.
;   5. in from the timer's count port: the tick it reads is the tick of the very instruction.
;   6. int from ring 3 through a gate whose DPL is 0: #GP, with the gate in the error code.
;
; Each result lands in a register or in the record below, so that bare metal and a VM compare.

    .include "../../guests/standalone/standalone.s"

IRQ0        = 32
TIMER       = 0x40
TIMER_COUNT = 0x41
PIC_EOI_PORT = 0x20
EOI         = 0x20
KERNEL_ONLY = 0x40              ; a gate ring 3 may not use

main:
    call paging_on
    set_gate T_GP, on_fault, 0
    set_gate T_PF, on_fault, 0
    set_gate IRQ0, on_timer, 0
    set_gate KERNEL_ONLY, on_fault, 0
    addi r9, r0, 0              ; faults taken
    la r8, record               ; where the fault handler writes what it saw

    ; 1. cr6 and cr7 do not exist.
    addi r1, r0, 0x55
    addi r2, r0, 0x66
    .word 0x0c100007            ; mfcr r1, cr7: #GP, r1 stays 0x55
    .word 0x0d020006            ; mtcr cr6, r2: #GP
    mfcr r3, cr0                ; cr0 as it was

    ; 2. popf in ring 0 never changes the ring.
    li r1, USER_FLAGS           ; CPL 3 in the popped word
    push r1
    popf
    smsw r4                     ; still ring 0
    pushf
    pop r5

    ; 3. A popf that faults changes nothing: its stack word is on an absent page, the frame
    ;    of the #PF goes on the present page below it.
    mov r12, sp
    li sp, USER_STACK_TOP
    popf                        ; #PF at USER_STACK_TOP; the handler skips it
    mov r6, sp                  ; still USER_STACK_TOP
    pushf
    pop r7
    mov sp, r12

    ; 4. The STI shadow, with the timer's interrupt already pending.
    addi r1, r0, 0xFE           ; unmask line 0 only
    out PIC_MASK, r1
    addi r1, r0, 40
    out TIMER, r1               ; an interrupt every 40 ticks
    addi r2, r0, 100
spin:
    addi r2, r2, -1             ; interrupts masked: the timer's line is pending by the end
    cmp r2, r0
    bne spin
    addi r13, r0, 0
    sti
    addi r13, r13, 1            ; in the shadow: runs before the interrupt
    addi r13, r13, 1
    cli
    out TIMER, r0               ; stop the timer

    ; 5. The tick the timer's count port reads.
    in r10, TIMER_COUNT
    addi r1, r1, 1
    addi r1, r1, 1
    in r11, TIMER_COUNT
    sub r11, r11, r10           ; the ticks between the two: a constant on bare metal

    ; 6. int from ring 3 through a DPL 0 gate.
    la r1, user
    call enter_user             ; comes back at `finish`

finish:
    la r1, msg
    call kputs
    poweroff

; on_fault: records the fault and returns past it (../on_fault.s).
    .include "../on_fault.s"

; on_timer: records r13 as the interrupt found it, counts, acknowledges, and returns. Only r15
; and the record change.
on_timer:
    push r1
    la r1, irq_saw
    sw r13, 0(r1)
    addi r15, r15, 1            ; interrupts taken
    addi r1, r0, EOI
    out PIC_EOI_PORT, r1
    pop r1
    addi sp, sp, 4              ; the error code
    iret

msg: .asciz "edges: done\n"
    .align 4
irq_saw: .word 0xFFFFFFFF       ; r13 when the timer's interrupt came: 1 on bare metal
record: .space 12 * 8

    .segment user, USER_BASE
user:
    int KERNEL_ONLY             ; #GP: the gate's DPL is 0
    int T_EXIT
