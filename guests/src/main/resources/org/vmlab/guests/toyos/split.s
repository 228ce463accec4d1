; split.s -- what the split front ends (blkfront.s, netfront.s) share: the grant table, the
; event channel to domain 0, the connection, and the shared rings' rules (io/ring.h).
;
; Assembled only in the split build (SPLIT=1, with PARAVIRT=1). A front end grants the pages it
; shares to domain 0 in its grant table, allocates a port that domain 0 may bind, and names both
; to the back end with device_connect. Requests and responses then travel through one ring page
; each way without a hypercall; a notification (event_channel_op send, or an event on the port)
; is sent only when the other side asked for one, with its event index.

; gnttab_init(): the page GNTTAB, cleared (every entry GTF_invalid), becomes the grant table:
; grant_table_op(cmd GNTTABOP_setup_table, count 1, args {DOMID_SELF, 1 frame, status out, its
; frame}), in r2, r3, r4.
gnttab_init:
    li r1, GNTTAB
    call memzero_page
    la r4, split_arg
    li r2, DOMID_SELF
    sw r2, 0(r4)                ; dom
    addi r2, r0, 1
    sw r2, 4(r4)                ; nr_frames
    sw r0, 8(r4)                ; status, written by the hypervisor
    li r2, GNTTAB >> 12
    sw r2, 12(r4)               ; frame
    addi r2, r0, GNTTABOP_setup_table
    addi r3, r0, 1
    hypercall HYPERVISOR_grant_table_op
    cmp r1, r0
    bne xen_refused
    lw r1, 8(r4)                ; GNTST_okay
    cmp r1, r0
    bne xen_refused
    ret

; gnttab_grant(r1 = gref, r2 = page address, r3 = GTF_permit_access [| GTF_readonly]): domain 0
; may use the page through entry gref. The frame is written before the flags that make the entry
; valid, so that the back end never sees a valid entry with a stale frame.
gnttab_grant:
    shli r1, r1, 3
    li r4, GNTTAB
    add r1, r1, r4
    shri r2, r2, 12
    sw r2, 4(r1)                ; frame (pseudo-physical)
    sw r3, 0(r1)                ; flags; domid 0 in the upper half
    ret

; evtchn_alloc_backend() -> r1 = a fresh port, unbound, that domain 0 may bind, unmasked:
; event_channel_op(alloc_unbound, {DOMID_SELF, remote_dom 0, port out}).
evtchn_alloc_backend:
    addi r1, r0, EVTCHNOP_alloc_unbound
    li r2, DOMID_SELF           ; word 0 dom; xen_bind writes word 1, remote_dom, as 0
    jmp xen_bind

; device_connect(r3 = its arguments): device_connect(_, _, args), the arguments' address its
; third argument (r4). The back end maps the rings and binds the port. Panics if it refuses (no
; back end of that type: the VM was not given split devices).
device_connect:
    mov r4, r3
    hypercall HYPERVISOR_device_connect
    cmp r1, r0
    bne xen_refused
    ret

; ring_init(r1 = a ring page): zeros, but req_event = rsp_event = 1 (tell me at the first).
ring_init:
    push r1
    call memzero_page
    pop r1
    addi r2, r0, 1
    sw r2, RING_REQ_EVENT(r1)
    sw r2, RING_RSP_EVENT(r1)
    ret

; ring_push(r1 = ring page, r2 = the new req_prod, r3 = port): publish the requests written up
; to r2 and notify the back end only if it asked to hear of one of them
; (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: notify iff new - req_event < new - old, unsigned). A
; batch of requests costs one notification, and none while the back end is still busy with the
; ring.
; Built with SPLIT_NOTIFY_ALWAYS=1, it notifies at every push: the front end without
; notification suppression, for the I/O experiment to compare.
ring_push:
    lw r4, RING_REQ_PROD(r1)    ; old
    sw r2, RING_REQ_PROD(r1)
.if SPLIT_NOTIFY_ALWAYS == 0
    lw r5, RING_REQ_EVENT(r1)
    sub r5, r2, r5
    sub r4, r2, r4
    cmp r5, r4
    bgeu ring_push_quiet
.endif
    la r4, split_send_arg       ; event_channel_op(send, {port})
    sw r3, 0(r4)
    addi r2, r0, EVTCHNOP_send
    mov r3, r4
    hypercall HYPERVISOR_event_channel_op
    cmp r1, r0
    bne xen_refused
ring_push_quiet:
    ret

; ring_final_check(r1 = ring page, r2 = rsp_cons) -> r1 = 1 if responses are waiting. Going
; idle, the consumer asks to be notified of the next response (rsp_event = rsp_cons + 1), then
; looks again, for one that came before the back end could see the request
; (RING_FINAL_CHECK_FOR_RESPONSES).
ring_final_check:
    lw r3, RING_RSP_PROD(r1)
    cmp r3, r2
    bne ring_final_more
    addi r3, r2, 1
    sw r3, RING_RSP_EVENT(r1)
    lw r3, RING_RSP_PROD(r1)
    cmp r3, r2
    bne ring_final_more
    mov r1, r0
    ret
ring_final_more:
    addi r1, r0, 1
    ret
