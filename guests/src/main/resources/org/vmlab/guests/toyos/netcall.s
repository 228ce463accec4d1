; netcall.s -- what the two network drivers (net.s for the emulated interface, netfront.s for the
; split driver) share: the system calls' checks of their arguments, and their way out. Only one
; driver is assembled, so the labels are the same in both.

; net_send's entry: r8 = the user buffer, r9 = the length, checked (1..NIC_MAXFRAME bytes, all
; of them the caller's); a bad argument goes to net_send_bad. Saves r8..r10.
.macro net_send_enter
    push r8
    push r9
    push r10
    mov r8, r1
    mov r9, r2
    cmpi r9, 1
    blt net_send_bad
    cmpi r9, NIC_MAXFRAME
    bgt net_send_bad
    call user_range_ok
    cmp r1, r0
    beq net_send_bad
.endm

; net_send's way out: r1 = the length sent, or -1 from net_send_bad.
.macro net_send_leave
net_send_bad:
    addi r1, r0, -1
net_send_out:
    pop r10
    pop r9
    pop r8
    ret
.endm

; net_recv's entry: r8 = the user buffer, r9 = its size, checked (all of it the caller's); a bad
; argument goes to net_recv_bad. Saves r8..r11.
.macro net_recv_enter
    push r8
    push r9
    push r10
    push r11
    mov r8, r1
    mov r9, r2
    call user_range_ok
    cmp r1, r0
    beq net_recv_bad
.endm

; net_recv's way out: r1 = the frame's length, or -1 from net_recv_bad.
.macro net_recv_leave
net_recv_bad:
    addi r1, r0, -1
net_recv_out:
    pop r11
    pop r10
    pop r9
    pop r8
    ret
.endm
