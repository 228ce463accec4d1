; timer.s -- device interrupts, waiting and port I/O, in ring 0 (Lab 1's tests).
;
; Programs the timer, then waits in hlt for TICKS interrupts; the handler counts them,
; acknowledges the interrupt controller (out) and returns (iret). Between interrupts the
; kernel reads the controller's mask (in). A VMM must deliver each virtual interrupt at the
; very instruction bare metal takes it, and only while the guest's IF allows.

    .include "../../guests/standalone/standalone.s"

TICKS       = 20
PERIOD      = 500
IRQ0        = 32
TIMER       = 0x40
PIC_EOI_PORT = 0x20
EOI         = 0x20

main:
    call paging_on
    set_gate IRQ0, on_timer, 0
    addi r9, r0, 0              ; interrupts seen
    addi r1, r0, 0xFE           ; unmask line 0 only
    out PIC_MASK, r1
    addi r1, r0, PERIOD
    out TIMER, r1
wait:
    sti
    hlt                         ; woken by the timer, after the handler ran
    cli
    in r10, PIC_MASK
    add r11, r11, r10
    cmpi r9, TICKS
    blt wait
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

msg: .asciz "timer: done\n"
