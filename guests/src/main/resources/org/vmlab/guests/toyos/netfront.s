; netfront.s -- the network's front end (SPLIT=1): a transmit ring and a receive ring shared
; with the back end in domain 0 (io/netif.h), one port for both, in place of net.s's descriptor
; rings. The kernel's interface is net.s's: net_init, net_send, net_recv, net_intr.
;
; Transmit: copy the frame into the 2 KiB buffer of the request's slot (two to a page, granted
; read-only), push the request. The buffer is free again once its response is consumed
; (netfront_tx_gc), which also bounds the requests in flight by the ring's size.
; Receive: every slot's page is offered to the back end once connected (granted writable, a
; request each); net_recv consumes a response, copies the frame out and offers the page again.
; A process with nothing to receive, or a full transmit ring, sleeps until the port's event.

; net_init(): the rings and the pages granted, a port, the connection (vif); then every receive
; page offered.
netfront:
netfront_init:
net_init:
    push r8
    li r1, NET_TXRING
    call ring_init
    li r1, NET_RXRING
    call ring_init
    addi r1, r0, GREF_NET_TXRING
    li r2, NET_TXRING
    addi r3, r0, GTF_permit_access
    call gnttab_grant
    addi r1, r0, GREF_NET_RXRING
    li r2, NET_RXRING
    addi r3, r0, GTF_permit_access
    call gnttab_grant
    mov r8, r0
netfront_init_tx:               ; the transmit pages: the back end only reads them
    addi r1, r8, GREF_NET_TXBUF
    shli r2, r8, 12
    li r3, NET_TXPAGES
    add r2, r2, r3
    addi r3, r0, GTF_permit_access | GTF_readonly
    call gnttab_grant
    addi r8, r8, 1
    cmpi r8, NET_RING_SIZE * NET_TXBUFSZ / PAGE
    bne netfront_init_tx
    mov r8, r0
netfront_init_rx:               ; the receive pages: writable
    addi r1, r8, GREF_NET_RXBUF
    shli r2, r8, 12
    li r3, NET_RXPAGES
    add r2, r2, r3
    addi r3, r0, GTF_permit_access
    call gnttab_grant
    addi r8, r8, 1
    cmpi r8, NET_RING_SIZE
    bne netfront_init_rx
    call evtchn_alloc_backend
    la r2, port_net
    sw r1, 0(r2)
    la r3, split_arg            ; {type, tx_ring_ref, rx_ring_ref, port, ring_size}
    addi r2, r0, VIF_TYPE
    sw r2, 0(r3)
    addi r2, r0, GREF_NET_TXRING
    sw r2, 4(r3)
    addi r2, r0, GREF_NET_RXRING
    sw r2, 8(r3)
    sw r1, 12(r3)
    addi r2, r0, NET_RING_SIZE
    sw r2, 16(r3)
    call device_connect
    mov r8, r0                  ; connected: offer every receive page, one request each, and
netfront_init_post:             ; push them all at once (one notification)
    shli r2, r8, 4
    li r3, NET_RXRING + RING_SLOTS
    add r2, r2, r3
    sw r8, 0(r2)                ; id: the page's index
    addi r1, r8, GREF_NET_RXBUF
    sw r1, 4(r2)                ; gref
    addi r8, r8, 1
    cmpi r8, NET_RING_SIZE
    bne netfront_init_post
    la r1, net_rx_prod
    sw r8, 0(r1)
    li r1, NET_RXRING
    mov r2, r8
    la r3, port_net
    lw r3, 0(r3)
    call ring_push
    pop r8
    ret

; net_send(r1 = user buffer, r2 = length) -> r1 = length, or -1
net_send:
    net_send_enter
net_send_wait:
    call netfront_tx_gc         ; transmits done free their slots
    la r1, net_tx_prod
    lw r10, 0(r1)
    la r1, net_tx_cons
    lw r2, 0(r1)
    sub r2, r10, r2
    cmpi r2, NET_RING_SIZE
    bltu net_send_room
    la r1, tx_tail
    call sleep                  ; channel: &tx_tail
    jmp net_send_wait
net_send_room:
    andi r1, r10, NET_RING_SIZE - 1
    shli r1, r1, 11             ; the slot's buffer: NET_TXPAGES + slot * 2 KiB
    li r2, NET_TXPAGES
    add r1, r1, r2
    mov r2, r8
    mov r3, r9
    call memcpy
    andi r1, r10, NET_RING_SIZE - 1
    shli r2, r1, 4
    li r3, NET_TXRING + RING_SLOTS
    add r2, r2, r3              ; r2 = the request's slot
    sw r1, 0(r2)                ; id
    shri r3, r1, 1
    addi r3, r3, GREF_NET_TXBUF
    sw r3, 4(r2)                ; gref of the buffer's page
    andi r3, r1, 1
    shli r3, r3, 11
    sw r3, 8(r2)                ; offset in the page
    sw r9, 12(r2)               ; size
    addi r10, r10, 1
    la r1, net_tx_prod
    sw r10, 0(r1)
    li r1, NET_TXRING
    mov r2, r10
    la r3, port_net
    lw r3, 0(r3)
    call ring_push              ; go
    mov r1, r9
    jmp net_send_out
    net_send_leave

; netfront_tx_gc(): every transmit response up to rsp_prod frees its slot (the status is not
; reported: the sender has gone on, as with the NIC); then ask for an event at the next one and
; look again. Keeps r8..r13.
netfront_tx_gc:
    la r1, net_tx_cons
    lw r2, 0(r1)
    li r3, NET_TXRING
    lw r4, RING_RSP_PROD(r3)
    la r5, net_tx_prod          ; never past what was sent, whatever the page says
    lw r5, 0(r5)
    sub r6, r5, r2
    sub r7, r4, r2
    cmp r6, r7
    bltu netfront_tx_gc_bogus
    mov r2, r4
    sw r2, 0(r1)
    mov r1, r3
    call ring_final_check
    cmp r1, r0
    bne netfront_tx_gc
netfront_tx_gc_bogus:
    ret

; net_recv(r1 = user buffer, r2 = its size) -> r1 = the frame's length (truncated to the
; buffer), or -1
net_recv:
    net_recv_enter
net_recv_wait:
    la r1, net_rx_cons
    lw r10, 0(r1)
    li r1, NET_RXRING
    lw r2, RING_RSP_PROD(r1)
    la r3, net_rx_prod          ; never past the pages offered, whatever the page says
    lw r3, 0(r3)
    sub r3, r3, r10
    sub r4, r2, r10
    cmp r3, r4
    bltu net_recv_sleep
    cmp r2, r10
    bne net_recv_ready
    mov r2, r10
    call ring_final_check
    cmp r1, r0
    bne net_recv_wait
net_recv_sleep:
    la r1, rx_next
    call sleep                  ; channel: &rx_next
    jmp net_recv_wait
net_recv_ready:
    andi r2, r10, NET_RING_SIZE - 1
    shli r2, r2, 4
    li r3, NET_RXRING + RING_SLOTS
    add r2, r2, r3              ; the response's slot
    lw r11, 0(r2)
    andi r11, r11, NET_RING_SIZE - 1    ; id: the page
    lw r3, 12(r2)               ; status: the frame's length, or -1
    addi r10, r10, 1
    la r1, net_rx_cons
    sw r10, 0(r1)
    cmpi r3, 1
    blt net_recv_error
    cmpi r3, PAGE
    bgt net_recv_error
    cmp r3, r9
    bltu net_recv_fits
    mov r3, r9
net_recv_fits:
    push r3
    mov r1, r8
    shli r2, r11, 12
    li r4, NET_RXPAGES
    add r2, r2, r4
    call memcpy
    mov r1, r11
    call netfront_rx_post
    pop r1
    jmp net_recv_out
net_recv_error:                 ; nothing received in it: offer the page again and wait on
    mov r1, r11
    call netfront_rx_post
    jmp net_recv_wait
    net_recv_leave

; netfront_rx_post(r1 = a receive page's index): offer it to the back end again, a request at
; req_prod pushed with the notification check. Its slot's response has been consumed: the
; requests in flight never outnumber the pages.
netfront_rx_post:
    la r4, net_rx_prod
    lw r5, 0(r4)
    andi r2, r5, NET_RING_SIZE - 1
    shli r2, r2, 4
    li r3, NET_RXRING + RING_SLOTS
    add r2, r2, r3
    sw r1, 0(r2)                ; id
    addi r1, r1, GREF_NET_RXBUF
    sw r1, 4(r2)                ; gref
    addi r5, r5, 1
    sw r5, 0(r4)
    li r1, NET_RXRING
    mov r2, r5
    la r3, port_net
    lw r3, 0(r3)
    jmp ring_push

; net_intr(): an event on the port: transmits done, frames received, or both.
net_intr:
netfront_intr:
    call netfront_tx_gc
    la r1, tx_tail
    call wakeup
    la r1, rx_next
    jmp wakeup
