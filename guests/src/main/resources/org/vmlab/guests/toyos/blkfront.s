; blkfront.s -- the block device's front end (SPLIT=1): requests on a ring shared with the back
; end in domain 0 (io/blkif.h), in place of the emulated disk's registers.
;
; disk.s keeps the kernel's side: the checks, one request at a time (disk_busy), the bounce
; buffer DISKBUF and the sleep on disk_done. It hands the device's part to blkfront_submit, and
; the back end's responses come as events on port_disk, which evtchn_do_upcall (xen.s) hands to
; disk_intr, here. The back end reads and writes DISKBUF through its grant; the user's buffer is
; never granted.

; blkfront_init(): the ring and the bounce buffer granted to domain 0, a port for it, and the
; connection (device_connect, vbd), which also says how many sectors the disk has.
blkfront:
blkfront_init:
    li r1, BLK_RING
    call ring_init
    addi r1, r0, GREF_BLK_RING
    li r2, BLK_RING
    addi r3, r0, GTF_permit_access
    call gnttab_grant
    addi r1, r0, GREF_DISKBUF   ; writable: a read lands there
    li r2, DISKBUF
    addi r3, r0, GTF_permit_access
    call gnttab_grant
    call evtchn_alloc_backend
    la r2, port_disk
    sw r1, 0(r2)
    la r3, split_arg            ; {type, ring_ref, port, ring_size, sectors out}
    addi r2, r0, VBD_TYPE
    sw r2, 0(r3)
    addi r2, r0, GREF_BLK_RING
    sw r2, 4(r3)
    sw r1, 8(r3)
    addi r2, r0, BLK_RING_SIZE
    sw r2, 12(r3)
    sw r0, 16(r3)
    call device_connect
    lw r1, 16(r3)
    la r2, blk_sectors
    sw r1, 0(r2)
    ret

; blkfront_submit(r1 = sector, r2 = sectors 1..8, r3 = DISK_READ or DISK_WRITE): one blkif
; request for the whole transfer, pushed with the notification check. DISKBUF is one page,
; page-aligned, so one segment (sectors 0..n-1 of its page) always holds the transfer.
blkfront_submit:
    la r4, blk_req_prod
    lw r5, 0(r4)
    andi r6, r5, BLK_RING_SIZE - 1
    muli r6, r6, BLK_SLOT
    li r7, BLK_RING + RING_SLOTS
    add r6, r6, r7              ; r6 = the request's slot
    addi r7, r3, -1             ; DISK_READ 1, DISK_WRITE 2 -> BLKIF_OP_READ 0, _WRITE 1
    ori r7, r7, 1 << 8          ; one segment, handle 0
    sw r7, 0(r6)
    sw r5, 4(r6)                ; id: the request's index
    sw r1, 8(r6)                ; sector_number
    sw r0, 12(r6)
    addi r7, r0, GREF_DISKBUF
    sw r7, 16(r6)
    addi r7, r2, -1
    shli r7, r7, 8              ; first_sect 0, last_sect n - 1
    sw r7, 20(r6)
    sw r0, 24(r6)               ; the unused segments
    sw r0, 28(r6)
    sw r0, 32(r6)
    sw r0, 36(r6)
    sw r0, 40(r6)
    sw r0, 44(r6)
    addi r5, r5, 1
    sw r5, 0(r4)
    li r1, BLK_RING
    mov r2, r5
    la r3, port_disk
    lw r3, 0(r3)
    jmp ring_push

; disk_intr(): an event on the block ring's port. Consume every response (status 0 is OKAY;
; anything else is recorded as the emulated disk's error bit, which disk_rw tests), ask for an
; event at the next one and look again (RING_FINAL_CHECK_FOR_RESPONSES), then wake the sleeper.
disk_intr:
blkfront_intr:
    push r8
    push r9
    mov r9, r0                  ; responses consumed
blkfront_intr_loop:
    la r1, blk_rsp_cons
    lw r8, 0(r1)
    li r1, BLK_RING
    lw r2, RING_RSP_PROD(r1)
    cmp r2, r8
    beq blkfront_intr_final
    la r3, blk_req_prod         ; never past the requests made, whatever the page says
    lw r3, 0(r3)
    sub r3, r3, r8
    sub r4, r2, r8
    cmp r3, r4
    bltu blkfront_intr_wake
    andi r3, r8, BLK_RING_SIZE - 1
    muli r3, r3, BLK_SLOT
    add r3, r3, r1
    lw r4, RING_SLOTS + 8(r3)   ; status
    mov r5, r0
    cmp r4, r0
    beq blkfront_intr_status
    addi r5, r0, 2              ; the disk's error bit
blkfront_intr_status:
    la r6, disk_status
    sw r5, 0(r6)
    addi r8, r8, 1
    la r1, blk_rsp_cons
    sw r8, 0(r1)
    addi r9, r0, 1
    jmp blkfront_intr_loop
blkfront_intr_final:
    mov r2, r8
    call ring_final_check
    cmp r1, r0
    bne blkfront_intr_loop
blkfront_intr_wake:
    cmp r9, r0
    beq blkfront_intr_done
    la r1, disk_done
    addi r2, r0, 1
    sw r2, 0(r1)
    call wakeup                 ; channel: &disk_done
blkfront_intr_done:
    pop r9
    pop r8
    ret
