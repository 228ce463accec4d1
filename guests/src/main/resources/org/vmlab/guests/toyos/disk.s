; disk.s -- the block device driver: DMA through a bounce buffer, completion by interrupt.
;
; A request: copy the user's data to DISKBUF (for a write), program sector, count and DMA
; address, issue the command, and sleep. The disk moves the data by DMA and raises line 2;
; disk_intr records the status and wakes the sleeper, which copies the data out (for a read).
; One request at a time: a process that finds the disk busy (disk_busy holds the owner's slot)
; sleeps until it is free. In the split build (SPLIT=1) the device's part is blkfront.s's: the
; request goes on a ring shared with the back end, and its response comes as an event.

; disk_rw(r1 = sector, r2 = user buffer, r3 = sectors 1..8, r4 = DISK_READ or DISK_WRITE)
;   -> r1 = 0, or -1 on a bad argument or a device error
disk_rw:
    push r8
    push r9
    push r10
    push r11
    mov r8, r1
    mov r9, r2
    mov r10, r3
    mov r11, r4
    cmpi r10, 1
    blt disk_rw_bad
    cmpi r10, DISK_MAXSECT
    bgt disk_rw_bad
    mov r1, r9
    shli r2, r10, 9
    call user_range_ok
    cmp r1, r0
    beq disk_rw_bad
disk_rw_wait_free:
    la r1, disk_busy
    lw r2, 0(r1)
    cmp r2, r0
    beq disk_rw_take
    call sleep                  ; channel: &disk_busy
    jmp disk_rw_wait_free
disk_rw_take:
    la r2, current              ; the disk is ours (kexit gives it back if we die holding it)
    lw r2, 0(r2)
    sw r2, 0(r1)
    cmpi r11, DISK_WRITE
    bne disk_rw_start
    li r1, DISKBUF
    mov r2, r9
    shli r3, r10, 9
    call memcpy
disk_rw_start:
    la r1, disk_done
    sw r0, 0(r1)
.if SPLIT
    mov r1, r8                  ; one request on the ring shared with the back end (blkfront.s)
    mov r2, r10
    mov r3, r11
    call blkfront_submit
.else
    pv_out DISK_SECTOR, r8
    pv_out DISK_COUNT, r10
    li r1, DISKBUF
    pv_out DISK_DMA, r1
    pv_out DISK_CMD, r11
.endif
disk_rw_sleep:
    la r1, disk_done
    lw r2, 0(r1)
    cmp r2, r0
    bne disk_rw_finished
    call sleep                  ; channel: &disk_done
    jmp disk_rw_sleep
disk_rw_finished:
    la r1, disk_status
    lw r1, 0(r1)
    andi r1, r1, 2              ; error bit
    cmp r1, r0
    bne disk_rw_error
    cmpi r11, DISK_READ
    bne disk_rw_ok
    mov r1, r9
    li r2, DISKBUF
    shli r3, r10, 9
    call memcpy
disk_rw_ok:
    mov r8, r0
    jmp disk_rw_release
disk_rw_error:
    addi r8, r0, -1
disk_rw_release:
    la r1, disk_busy
    sw r0, 0(r1)
    call wakeup
    mov r1, r8
    jmp disk_rw_out
disk_rw_bad:
    addi r1, r0, -1
disk_rw_out:
    pop r11
    pop r10
    pop r9
    pop r8
    ret

; disk_intr(): the request is complete (split drivers: blkfront.s has its own)
.if SPLIT == 0
disk_intr:
    pv_in r1, DISK_STATUS
    la r2, disk_status
    sw r1, 0(r2)
    pv_out DISK_STATUS, r0      ; clear done and error
    la r1, disk_done
    addi r2, r0, 1
    sw r2, 0(r1)
    jmp wakeup                  ; channel: &disk_done
.endif

; disk_release_if_owner(): called by kexit; a process killed in the middle of a request (a bad
; buffer) must not leave the disk busy forever.
disk_release_if_owner:
    la r1, disk_busy
    lw r2, 0(r1)
    la r3, current
    lw r3, 0(r3)
    cmp r2, r3
    bne disk_release_done
    sw r0, 0(r1)
    jmp wakeup                  ; channel: &disk_busy
disk_release_done:
    ret
