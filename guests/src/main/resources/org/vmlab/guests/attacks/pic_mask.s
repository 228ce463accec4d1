; pic_mask.s -- attack "pic-mask": keep the CPU forever, interrupts enabled.
;
; The variant of interrupts-off that a VMM watching only the guest's IF would miss: the guest
; kernel starts the timer, masks every line at the interrupt controller (out 0x21, 0xff),
; enables interrupts and loops. On bare metal the timer's requests stay pending behind the mask
; and the run ends only by fuel (FUEL_EXHAUSTED). A VMM must not let the guest program the
; real interrupt controller: the PIC the guest sees is the VMM's model of one.

    .include "attack.s"

attack_name: .asciz "pic-mask"
    .align 4

main:
    set_gate 32, fatal_gp, 0    ; a timer interrupt, were one ever delivered, would be reported
    addi r1, r0, 1000           ; the timer is running...
    out TIMER_PERIOD_PORT, r1
    addi r1, r0, 0xFF           ; ...but every line is masked
    out PIC_MASK, r1
    la r1, msg_spinning
    call say
    sti
spin:
    jmp spin

msg_spinning:   .asciz "every interrupt line masked, spinning\n"
    .align 4
