; net.s -- the network interface driver (e1000-like descriptor rings, docs/devices.md).
;
; Both rings live in kernel memory at fixed physical addresses, each descriptor with its own
; 2 KiB buffer. Transmit: copy the frame into the buffer of descriptor tx_tail, advance
; TX_TAIL; the device sends it and raises "transmit done". Receive: the device fills the
; descriptors from RX_HEAD on while RX_HEAD != RX_TAIL; the driver consumes them at rx_next
; and hands each one back by moving RX_TAIL. A process with nothing to receive (or a full
; transmit ring) sleeps until the NIC's interrupt.

; net_init(): program the rings and the interrupt mask.
net_init:
    li r1, NIC_TXRING           ; descriptors: buffer address, size, status 0
    li r2, NIC_TXBUF
    li r3, NIC_RXRING
    li r4, NIC_RXBUF
    addi r5, r0, NIC_RING
    addi r6, r0, NIC_BUFSZ
net_init_desc:
    sw r2, 0(r1)
    sw r0, 4(r1)
    sw r0, 8(r1)
    sw r4, 0(r3)
    sw r6, 4(r3)
    sw r0, 8(r3)
    addi r1, r1, 16
    addi r3, r3, 16
    add r2, r2, r6
    add r4, r4, r6
    addi r5, r5, -1
    cmp r5, r0
    bne net_init_desc
    li r1, NIC_VA
    li r2, NIC_TXRING
    sw r2, NIC_TX_BASE(r1)
    addi r2, r0, NIC_RING
    sw r2, NIC_TX_SIZE(r1)
    li r2, NIC_RXRING
    sw r2, NIC_RX_BASE(r1)
    addi r2, r0, NIC_RING
    sw r2, NIC_RX_SIZE(r1)
    addi r2, r0, NIC_RING - 1   ; offer every receive buffer but one (head == tail: full)
    sw r2, NIC_RX_TAIL(r1)
    addi r2, r0, 3              ; interrupt on transmit done and on frame received
    sw r2, NIC_IMS(r1)
    ret

; net_send(r1 = user buffer, r2 = length) -> r1 = length, or -1
net_send:
    net_send_enter
net_send_wait:
    la r1, tx_tail              ; ring full when the next tail would reach the head
    lw r10, 0(r1)
    addi r3, r10, 1
    andi r3, r3, NIC_RING - 1
    li r1, NIC_VA
    lw r2, NIC_TX_HEAD(r1)
    cmp r3, r2
    bne net_send_room
    la r1, tx_tail
    call sleep                  ; channel: &tx_tail
    jmp net_send_wait
net_send_room:
    shli r4, r10, 4             ; r4 = descriptor
    li r5, NIC_TXRING
    add r4, r4, r5
    push r4
    lw r1, 0(r4)
    mov r2, r8
    mov r3, r9
    call memcpy
    pop r4
    sw r9, 4(r4)
    sw r0, 8(r4)
    addi r10, r10, 1
    andi r10, r10, NIC_RING - 1
    la r1, tx_tail
    sw r10, 0(r1)
    li r1, NIC_VA
    sw r10, NIC_TX_TAIL(r1)     ; go
    mov r1, r9
    jmp net_send_out
    net_send_leave

; net_recv(r1 = user buffer, r2 = its size) -> r1 = the frame's length (truncated to the
; buffer), or -1
net_recv:
    net_recv_enter
net_recv_wait:
    la r1, rx_next
    lw r10, 0(r1)
    li r1, NIC_VA
    lw r2, NIC_RX_HEAD(r1)
    cmp r10, r2
    bne net_recv_ready
    la r1, rx_next
    call sleep                  ; channel: &rx_next
    jmp net_recv_wait
net_recv_ready:
    shli r11, r10, 4
    li r5, NIC_RXRING
    add r11, r11, r5            ; r11 = descriptor
    lw r3, 4(r11)
    cmp r3, r9
    bltu net_recv_fits
    mov r3, r9
net_recv_fits:
    push r3
    mov r1, r8
    lw r2, 0(r11)
    call memcpy
    addi r2, r0, NIC_BUFSZ      ; make the descriptor empty again and hand it back
    sw r2, 4(r11)
    sw r0, 8(r11)
    li r1, NIC_VA
    sw r10, NIC_RX_TAIL(r1)
    addi r10, r10, 1
    andi r10, r10, NIC_RING - 1
    la r1, rx_next
    sw r10, 0(r1)
    pop r1
    jmp net_recv_out
    net_recv_leave

; net_intr(): reading the cause register clears it
net_intr:
    push r8
    li r1, NIC_VA
    lw r8, NIC_ICR(r1)
    andi r2, r8, 1
    cmp r2, r0
    beq net_intr_rx
    la r1, tx_tail
    call wakeup
net_intr_rx:
    andi r2, r8, 2
    cmp r2, r0
    beq net_intr_done
    la r1, rx_next
    call wakeup
net_intr_done:
    pop r8
    ret
