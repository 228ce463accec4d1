; balloon.s -- the memory balloon's driver (docs/toyos.md, "The balloon driver"; the device is in
; docs/devices.md).
;
; After VMware ESX Server's balloon driver [C. A. Waldspurger, "Memory Resource Management in
; VMware ESX Server", OSDI 2002, section 3]: the host sets a target, the number of frames it wants
; back; the driver polls it (ESX's about once a second: here every BALLOON_POLL_TICKS timer
; ticks), takes frames from the kernel's own allocator while it holds fewer than the target and
; hands each one's number to the device, and gives frames back to the allocator while it holds
; more. The kernel chooses which frames go, so it gives up what it misses least: frames on the
; free list first.
;
; The driver never touches a frame it holds: it keeps their addresses in its own array
; (BALLOON_FRAMES), not in the frames, and takes frames without zeroing them (balloon_take).
; It keeps BALLOON_RESERVE never-used frames for the kernel, and stops inflating when the
; allocator has nothing else to give, or the device refuses a frame: it never panics.
; On bare metal the target is the configuration's, 0 unless told: the driver only reads it.

; balloon_tick(): from the timer interrupt; every BALLOON_POLL_TICKS ticks, poll the balloon.
; Keeps r8 and up.
balloon_tick:
    la r1, ticks
    lw r1, 0(r1)
    andi r1, r1, BALLOON_POLL_TICKS - 1
    cmp r1, r0
    bne balloon_tick_done
    call balloon_poll
balloon_tick_done:
    ret

; balloon_poll(): inflate or deflate until the balloon holds min(target, BALLOON_MAX) frames.
balloon_poll:
    push r8
    push r9
    pv_in r9, BALLOON_TARGET
    li r2, BALLOON_MAX
    cmp r9, r2
    bltu balloon_inflate
    mov r9, r2                  ; a target beyond what the list can hold: hold what it can
balloon_inflate:
    la r1, balloon_count
    lw r8, 0(r1)
    cmp r8, r9
    bgeu balloon_deflate
    call balloon_take
    cmp r1, r0
    beq balloon_done            ; nothing to spare: stop inflating
    shri r2, r1, 12
    pv_out BALLOON_INFLATE, r2
    pv_in r3, BALLOON_STATUS
    cmp r3, r0
    bne balloon_refused
    li r3, BALLOON_FRAMES       ; BALLOON_FRAMES[count] = the frame; count++
    shli r4, r8, 2
    add r3, r3, r4
    sw r1, 0(r3)
    addi r8, r8, 1
    la r3, balloon_count
    sw r8, 0(r3)
    jmp balloon_inflate
balloon_refused:                ; the device would not take it: back to the allocator
    call kfree
    jmp balloon_done
balloon_deflate:
    cmp r9, r8
    bgeu balloon_done           ; count <= target
    addi r8, r8, -1
    li r3, BALLOON_FRAMES
    shli r4, r8, 2
    add r3, r3, r4
    lw r1, 0(r3)
    shri r2, r1, 12
    pv_out BALLOON_DEFLATE, r2
    pv_in r3, BALLOON_STATUS
    cmp r3, r0
    bne balloon_done            ; refused: the frame stays given back, untouched
    la r3, balloon_count
    sw r8, 0(r3)
    call kfree                  ; ours again: kfree links it into the free list
    jmp balloon_deflate
balloon_done:
    pop r9
    pop r8
    ret

; balloon_take() -> r1 = a frame (reference count 1, not zeroed, not touched beyond the free
; list's link), or 0 if the allocator has none to spare: kalloc without zeroing, and without
; the last BALLOON_RESERVE never-used frames.
balloon_take:
    la r2, freelist
    lw r1, 0(r2)
    cmp r1, r0
    beq balloon_take_fresh
    lw r3, 0(r1)                ; pop the free list
    sw r3, 0(r2)
    jmp balloon_take_got
balloon_take_fresh:
    la r2, bumpnext
    lw r1, 0(r2)
    li r3, FRAMES_END - BALLOON_RESERVE * PAGE
    cmp r1, r3
    bgeu balloon_take_none
    addi r3, r1, PAGE
    sw r3, 0(r2)
balloon_take_got:
    shri r2, r1, 12
    li r3, REFCNT
    add r3, r3, r2
    addi r4, r0, 1
    sb r4, 0(r3)
    ret
balloon_take_none:
    mov r1, r0
    ret
