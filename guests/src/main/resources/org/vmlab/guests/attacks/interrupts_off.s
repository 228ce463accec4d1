; interrupts_off.s -- attack "interrupts-off": keep the CPU forever.
;
; The guest kernel starts the timer, masks interrupts with cli and loops. On bare metal nothing
; can take the CPU back: the timer's interrupts stay pending and the run ends only when its fuel
; does (FUEL_EXHAUSTED). A VMM must keep control of time: the guest's IF is virtual, and the
; VMM's own timer preempts the VM regardless, so the other VMs still run and finish.

    .include "attack.s"

attack_name: .asciz "interrupts-off"
    .align 4

main:
    addi r1, r0, 1000           ; the timer is running...
    out TIMER_PERIOD_PORT, r1
    la r1, msg_spinning
    call say
    cli                         ; ...but no interrupt will be taken
spin:
    jmp spin

msg_spinning:   .asciz "interrupts masked, spinning\n"
    .align 4
