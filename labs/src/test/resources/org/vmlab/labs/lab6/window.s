; window.s -- a guest that opens its interrupt window for one instruction at a time (Lab 6's tests).
;
; Programs the timer fast and keeps interrupts masked but for one nop in each turn of a loop
; (sti's shadow covers the nop; the window is the cli after it). A timer interrupt that comes
; while they are masked waits; bare metal takes it at the first instruction the window opens,
; so must the VM. A VMM that does not ask to exit at the window delivers it late, at its next
; exit of any other kind; one that exits without need floods itself with exits.

    .include "../../guests/standalone/standalone.s"

TURNS       = 600
PERIOD      = 37
IRQ0        = 32
TIMER       = 0x40
PIC_EOI_PORT = 0x20
EOI         = 0x20

main:
    call paging_on
    set_gate IRQ0, on_timer, 0
    addi r9, r0, 0              ; interrupts taken
    addi r1, r0, 0xFE           ; unmask line 0 only
    out PIC_MASK, r1
    addi r1, r0, PERIOD
    out TIMER, r1
    li r8, TURNS
turn:
    addi r3, r3, 7              ; work with interrupts masked
    addi r3, r3, 11
    addi r3, r3, 13
    sti
    nop                         ; in sti's shadow
    cli                         ; the window: an interrupt waiting is taken here
    addi r8, r8, -1
    cmpi r8, 0
    bne turn
    out TIMER, r0               ; stop the timer
    la r1, msg
    call kputs
    poweroff

on_timer:
    addi r9, r9, 1
    addi r1, r0, EOI
    out PIC_EOI_PORT, r1
    addi sp, sp, 4              ; the error code
    iret

finish:
    poweroff

msg: .asciz "window: done\n"
