; user_workloads.s -- the workloads: user programs that exercise one mechanism each and print
; a result that does not depend on where the timer happened to preempt them. Where two
; processes run at once, only one prints, after wait, in a fixed order.

; --- compute: an arithmetic loop ------------------------------------------------------------
COMPUTE_ITERATIONS = 1000000

u_compute:
    addi r2, r0, 1
    li r3, COMPUTE_ITERATIONS
    call checksum
    mov r8, r1
    la r2, compute_msg
    call puts
    mov r2, r8
    call puthex
    la r2, nl
    call puts
    mov r2, r0
    call exit
compute_msg: .asciz "compute: 1000000 iterations, checksum="
    .align 4

; --- syscall: a tight loop of getpid, the cheapest system call -----------------------------------
SYSCALL_CALLS = 10000

u_syscall:
    call getpid
    mov r8, r1                  ; the pid every call must return
    li r9, SYSCALL_CALLS
    mov r10, r0                 ; calls that returned it
syscall_loop:
    addi r1, r0, SYS_GETPID
    int 0x80
    cmp r1, r8
    bne syscall_next
    addi r10, r10, 1
syscall_next:
    addi r9, r9, -1
    cmp r9, r0
    bne syscall_loop
    la r2, syscall_msg1
    call puts
    mov r2, r10
    call putdec
    la r2, syscall_msg2
    call puts
    mov r2, r8
    call putdec
    la r2, nl
    call puts
    mov r2, r0
    call exit
syscall_msg1: .asciz "syscall: "
syscall_msg2: .asciz " getpid calls returned pid "
    .align 4

; --- pagefault: demand paging, copy-on-write fork, exec ------------------------------------------
PF_PAGES = 256
PF_COW_PAGES = 64

u_pagefault:
    li r2, PF_PAGES * 4096
    call sbrk                   ; the heap grows, but no page exists yet
    mov r8, r1                  ; r8 = base of the new memory
    mov r9, r0                  ; touch every page: page i holds i + 1 (one fault each)
pagefault_touch:
    shli r3, r9, 12
    add r3, r8, r3
    addi r4, r9, 1
    sw r4, 0(r3)
    addi r9, r9, 1
    cmpi r9, PF_PAGES
    bne pagefault_touch
    mov r2, r8
    call pf_sum
    mov r10, r1
    la r2, pf_msg_touched
    call puts
    mov r2, r10
    call putdec
    la r2, nl
    call puts
    call fork                   ; the child shares every page, copy-on-write
    cmp r1, r0
    bne pagefault_parent
    mov r9, r0                  ; child: write to 64 pages (64 copies), exit with the sum
pagefault_child_write:
    shli r3, r9, 12
    add r3, r8, r3
    lw r4, 0(r3)
    addi r4, r4, 1000
    sw r4, 0(r3)
    addi r9, r9, 1
    cmpi r9, PF_COW_PAGES
    bne pagefault_child_write
    mov r2, r8
    call pf_sum
    mov r2, r1
    call exit
pagefault_parent:
    mov r2, r1
    call wait
    mov r11, r1                 ; the child's sum
    mov r2, r8
    call pf_sum                 ; ours must not have changed
    mov r10, r1
    la r2, pf_msg_child
    call puts
    mov r2, r11
    call putdec
    la r2, pf_msg_parent
    call puts
    mov r2, r10
    call putdec
    la r2, nl
    call puts
    call fork                   ; a child that execs another program
    cmp r1, r0
    bne pagefault_exec_parent
    la r2, str_user_hello
    call exec
    addi r2, r0, 99
    call exit
pagefault_exec_parent:
    mov r2, r1
    call wait
    mov r10, r1
    la r2, pf_msg_exec
    call puts
    mov r2, r10
    call putdec
    la r2, nl
    call puts
    mov r2, r0
    call exit

; pf_sum(r2 = base) -> r1 = the sum of the first word of each of the PF_PAGES pages
pf_sum:
    mov r1, r0
    mov r3, r0
pf_sum_loop:
    shli r4, r3, 12
    add r4, r2, r4
    lw r4, 0(r4)
    add r1, r1, r4
    addi r3, r3, 1
    cmpi r3, PF_PAGES
    bne pf_sum_loop
    ret

pf_msg_touched: .asciz "pagefault: touched 256 new pages, sum "
pf_msg_child:   .asciz "pagefault: after fork, child wrote 64 pages, child sum "
pf_msg_parent:  .asciz ", parent sum "
pf_msg_exec:    .asciz "pagefault: exec child exited with status "
str_user_hello: .asciz "hello"
    .align 4

; --- hello: a program for exec -------------------------------------------------------------------
u_hello:
    la r2, hello_msg
    call puts
    addi r2, r0, 7
    call exit
hello_msg: .asciz "hello: running after exec\n"
    .align 4

; --- ctxswitch: two processes ping-pong through yield ---------------------------------------------
CTX_ROUNDS = 1000

u_ctxswitch:
    call fork
    mov r8, r1                  ; 0 in the child
    mov r9, r0                  ; rounds done
ctx_loop:
    call yield_cpu
    addi r9, r9, 1
    cmpi r9, CTX_ROUNDS
    bne ctx_loop
    cmp r8, r0
    bne ctx_parent
    mov r2, r9                  ; child: report its rounds as exit status
    call exit
ctx_parent:
    mov r2, r8
    call wait
    mov r10, r1
    la r2, ctx_msg1
    call puts
    mov r2, r9
    call putdec
    la r2, ctx_msg2
    call puts
    mov r2, r10
    call putdec
    la r2, ctx_msg3
    call puts
    mov r2, r0
    call exit
ctx_msg1: .asciz "ctxswitch: parent yielded "
ctx_msg2: .asciz " times, child yielded "
ctx_msg3: .asciz " times\n"
    .align 4

; --- forkwait: fork a child that exits at once, wait for it, many times -------------------------
; The forkwait of Adams and Agesen (ASPLOS 2006, section 6.2): process creation and destruction,
; which under a VMM means page-table creation, copy-on-write protection, address-space switches
; and teardown, all of which shadow paging must follow. Each child exits with status 1; the
; parent adds up what wait returns, so the sum counts the children reaped.
FORKWAIT_CHILDREN = 100

u_forkwait:
    mov r9, r0                  ; children forked
    mov r10, r0                 ; sum of their exit statuses
forkwait_loop:
    call fork
    cmp r1, r0
    bne forkwait_parent
    addi r2, r0, 1              ; child: exit at once
    call exit
forkwait_parent:
    mov r2, r1
    call wait
    add r10, r10, r1
    addi r9, r9, 1
    cmpi r9, FORKWAIT_CHILDREN
    bne forkwait_loop
    la r2, forkwait_msg1
    call puts
    mov r2, r9
    call putdec
    la r2, forkwait_msg2
    call puts
    mov r2, r10
    call putdec
    la r2, forkwait_msg3
    call puts
    mov r2, r0
    call exit
forkwait_msg1: .asciz "forkwait: forked "
forkwait_msg2: .asciz " children, reaped "
forkwait_msg3: .asciz "\n"
    .align 4

; --- disk: write 16 sectors, read them back, compare ----------------------------------------------
DISK_FIRST = 100                ; first sector used

u_disk:
    li r2, 3 * 4096             ; three 4 KiB buffers on the heap: A, B (written), C (read)
    call sbrk
    mov r8, r1
    mov r2, r8                  ; fill A and B (8 KiB): word k = k * 2654435761 + 17
    li r3, 2 * 4096
    call disk_fill
    addi r2, r0, DISK_FIRST     ; write A to sectors 100..107, B to 108..115
    mov r3, r8
    addi r4, r0, 8
    call dwrite
    mov r11, r1
    addi r2, r0, DISK_FIRST + 8
    li r3, 4096
    add r3, r8, r3
    addi r4, r0, 8
    call dwrite
    or r11, r11, r1
    mov r12, r0                 ; r12 = checksum of what comes back
    mov r13, r0                 ; r13 = mismatches
    mov r9, r0                  ; read back 4 sectors at a time into C, compare
disk_read_loop:
    addi r2, r9, DISK_FIRST
    li r3, 8192
    add r3, r8, r3
    addi r4, r0, 4
    call dread
    or r11, r11, r1
    shli r4, r9, 9              ; r4 = offset of these sectors in A..B
    add r4, r8, r4
    li r5, 8192
    add r5, r8, r5              ; r5 = C
    addi r6, r0, 512            ; 2048 bytes = 512 words
disk_cmp_loop:
    lw r2, 0(r4)
    lw r3, 0(r5)
    add r12, r12, r3
    cmp r2, r3
    beq disk_cmp_same
    addi r13, r13, 1
disk_cmp_same:
    addi r4, r4, 4
    addi r5, r5, 4
    addi r6, r6, -1
    cmp r6, r0
    bne disk_cmp_loop
    addi r9, r9, 4
    cmpi r9, 16
    bne disk_read_loop
    or r11, r11, r13
    la r2, disk_msg1
    call puts
    la r2, disk_msg_ok
    cmp r11, r0
    beq disk_print
    la r2, disk_msg_bad
disk_print:
    call puts
    la r2, disk_msg2
    call puts
    mov r2, r12
    call puthex
    la r2, nl
    call puts
    mov r2, r0
    call exit

; disk_fill(r2 = buffer, r3 = bytes)
disk_fill:
    mov r4, r0
    li r5, 2654435761
disk_fill_loop:
    mul r6, r4, r5
    addi r6, r6, 17
    sw r6, 0(r2)
    addi r2, r2, 4
    addi r4, r4, 1
    addi r3, r3, -4
    cmp r3, r0
    bne disk_fill_loop
    ret

disk_msg1:    .asciz "disk: wrote 16 sectors, read them back: "
disk_msg_ok:  .asciz "OK"
disk_msg_bad: .asciz "MISMATCH"
disk_msg2:    .asciz ", checksum "
    .align 4

; --- net: send frames to the echo peer, receive the echoes, compare -------------------------------
NET_FRAMES = 8

u_net:
    li r2, 2 * 4096             ; a transmit and a receive buffer
    call sbrk
    mov r8, r1
    mov r9, r0                  ; send frame i: 60 + 100 i bytes, byte k = 31 i + k
unet_send_loop:
    mov r2, r8
    mov r3, r9
    call unet_fill
    mov r2, r8
    mov r3, r1
    call nsend
    addi r9, r9, 1
    cmpi r9, NET_FRAMES
    bne unet_send_loop
    mov r9, r0
    mov r10, r0                 ; frames received
    mov r11, r0                 ; bytes received
    mov r12, r0                 ; bad frames
unet_recv_loop:
    li r2, 4096
    add r2, r8, r2
    li r3, 2048
    call nrecv
    add r11, r11, r1
    addi r10, r10, 1
    mov r13, r1                 ; compare with the frame we sent: regenerate it
    mov r2, r8
    mov r3, r9
    call unet_fill
    cmp r1, r13
    bne unet_bad
    mov r4, r8
    li r5, 4096
    add r5, r8, r5
unet_cmp_loop:
    lbu r2, 0(r4)
    lbu r3, 0(r5)
    cmp r2, r3
    bne unet_bad
    addi r4, r4, 1
    addi r5, r5, 1
    addi r1, r1, -1
    cmp r1, r0
    bne unet_cmp_loop
    jmp unet_next
unet_bad:
    addi r12, r12, 1
unet_next:
    addi r9, r9, 1
    cmpi r9, NET_FRAMES
    bne unet_recv_loop
    la r2, net_msg1
    call puts
    mov r2, r10
    call putdec
    la r2, net_msg2
    call puts
    mov r2, r11
    call putdec
    la r2, net_msg3
    call puts
    la r2, disk_msg_ok
    cmp r12, r0
    beq unet_print
    la r2, disk_msg_bad
unet_print:
    call puts
    la r2, nl
    call puts
    mov r2, r0
    call exit

; unet_fill(r2 = buffer, r3 = frame number) -> r1 = the frame's length
unet_fill:
    muli r1, r3, 100
    addi r1, r1, 60
    muli r4, r3, 31             ; byte k = 31 i + k
    mov r5, r0
unet_fill_loop:
    add r6, r4, r5
    sb r6, 0(r2)
    addi r2, r2, 1
    addi r5, r5, 1
    cmp r5, r1
    bne unet_fill_loop
    ret

net_msg1: .asciz "net: sent 8 frames, received "
net_msg2: .asciz " echoes, "
net_msg3: .asciz " bytes, "
    .align 4

; --- fault: children that misbehave are killed; the kernel and the parent carry on -----------------
u_fault:
    la r8, fault_cases
fault_loop:
    lw r9, 0(r8)
    cmp r9, r0
    beq fault_done
    call fork
    cmp r1, r0
    bne fault_parent
    callr r9                    ; child: misbehave (does not come back)
    addi r2, r0, 1
    call exit
fault_parent:
    mov r2, r1
    call wait
    mov r10, r1
    la r2, fault_msg1
    call puts
    mov r2, r10
    call puthex
    la r2, nl
    call puts
    addi r8, r8, 4
    jmp fault_loop
fault_done:
    addi sp, sp, -512           ; the disk is free again: read a sector onto our stack
    addi r2, r0, 100
    mov r3, sp
    addi r4, r0, 1
    call dread
    addi sp, sp, 512
    mov r10, r1
    la r2, fault_msg_disk
    call puts
    mov r2, r10
    call puthex
    la r2, nl
    call puts
    la r2, fault_msg2
    call puts
    mov r2, r0
    call exit

fault_null:                     ; write through a null pointer
    addi r1, r0, 0x10
    sw r1, 0(r1)
    ret
fault_kernel:                   ; write to the kernel (mapped, but supervisor-only)
    li r1, 0x1000
    sw r1, 0(r1)
    ret
fault_priv:                     ; a privileged instruction in ring 3
    cli
    ret
fault_div:                      ; divide by zero
    addi r1, r0, 1
    div r1, r1, r0
    ret
fault_badptr:                   ; hand the kernel a pointer to unmapped user memory
    li r2, 0x01000000
    addi r3, r0, 16
    call write
    ret

fault_disk:                     ; a disk read into unmapped user memory: killed after the
    addi r2, r0, 100            ; DMA, while copying out; the disk must not stay busy
    li r3, 0x01000000
    addi r4, r0, 1
    call dread
    ret

    .align 4
fault_cases:
    .word fault_null, fault_kernel, fault_priv, fault_div, fault_badptr, fault_disk, 0
fault_msg_disk: .asciz "fault: disk read afterwards returned "
fault_msg1: .asciz "fault: child exit status "
fault_msg2: .asciz "fault: the kernel survived every fault\n"
    .align 4

; --- lmbench: one operation repeated N times ------------------------------------------------------
; The microbenchmarks of lmbench (McVoy and Staelin, USENIX 1996): lat_syscall null, lat_proc fork
; and exec, lat_pagefault, lat_ctx, and sbrk. The command line is "NAME N" (N = LM_DEFAULT if
; missing). Each prints "NAME: ok" if every operation did what it should, "NAME: FAILED" if not,
; the same line for every N: a measurement takes the difference of two runs, N and 2N, and
; divides it by N, so everything but the N operations cancels (docs/guests-bench.md).
; Loop registers: r8 counts down, r10 collects the failures (0: all well).
LM_DEFAULT = 100

; lm_start -> r8 = N, r10 = 0, and the condition bits of N == 0, for the loop's first test
lm_start:
    la r2, argbuf
    addi r3, r0, LM_DEFAULT
    call argnum
    mov r8, r1
    mov r10, r0
    cmp r8, r0
    ret

; lm_done: prints "NAME: ok" or "NAME: FAILED" (argnum left the name in argbuf) and exits
lm_done:
    la r2, argbuf
    call puts
    la r2, lm_msg_ok
    cmp r10, r0
    beq lm_done_print
    la r2, lm_msg_failed
lm_done_print:
    call puts
    mov r2, r10
    call exit
lm_msg_ok:     .asciz ": ok\n"
lm_msg_failed: .asciz ": FAILED\n"
str_user_true: .asciz "true"
    .align 4

; lat_null: getpid, the null system call; each must return the caller's pid
u_lat_null:
    call getpid
    mov r9, r1
    call lm_start
    beq lm_done
lnull_loop:
    addi r1, r0, SYS_GETPID
    int 0x80
    xor r1, r1, r9
    or r10, r10, r1
    addi r8, r8, -1
    cmp r8, r0
    bne lnull_loop
    jmp lm_done

; lat_fork: fork a child that exits at once (status 0), wait for it
u_lat_fork:
    call lm_start
    beq lm_done
lfork_loop:
    call fork
    cmp r1, r0
    beq u_true                  ; the child
    mov r2, r1
    call wait
    or r10, r10, r1
    addi r8, r8, -1
    cmp r8, r0
    bne lfork_loop
    jmp lm_done

; lat_exec: fork a child that execs "true", wait for it (status 0; 1 if exec failed)
u_lat_exec:
    call lm_start
    beq lm_done
lexec_loop:
    call fork
    cmp r1, r0
    bne lexec_parent
    la r2, str_user_true
    call exec
    addi r2, r0, 1
    call exit
lexec_parent:
    mov r2, r1
    call wait
    or r10, r10, r1
    addi r8, r8, -1
    cmp r8, r0
    bne lexec_loop
    jmp lm_done

; true: the program lat_exec runs; it exits at once, with status 0
u_true:
    mov r2, r0
    call exit

; lat_pagefault: sbrk N pages, then read each once: a fault that brings a zeroed page
u_lat_pagefault:
    call lm_start
    beq lm_done
    shli r2, r8, 12
    call sbrk
    mov r9, r1
lpf_loop:
    lw r1, 0(r9)
    or r10, r10, r1
    addi r9, r9, PAGE
    addi r8, r8, -1
    cmp r8, r0
    bne lpf_loop
    jmp lm_done

; lat_ctx: two processes yield to each other N times each: 2N context switches
u_lat_ctx:
    call lm_start
    call fork
    mov r9, r1                  ; the child's pid; 0 in the child
    cmp r8, r0
    beq lctx_end
lctx_loop:
    call yield_cpu
    or r10, r10, r1
    addi r8, r8, -1
    cmp r8, r0
    bne lctx_loop
lctx_end:
    cmp r9, r0
    beq lctx_child
    mov r2, r9
    call wait
    or r10, r10, r1
    jmp lm_done
lctx_child:
    mov r2, r10
    call exit

; lat_sbrk: grow the heap by a page (no page is touched); each call returns the old break
u_lat_sbrk:
    mov r2, r0
    call sbrk
    mov r9, r1                  ; the break now
    call lm_start
    beq lm_done
lsbrk_loop:
    addi r2, r0, PAGE
    addi r1, r0, SYS_SBRK
    int 0x80
    xor r1, r1, r9
    or r10, r10, r1
    addi r9, r9, PAGE
    addi r8, r8, -1
    cmp r8, r0
    bne lsbrk_loop
    jmp lm_done

; lat_disk: read one 4 KiB block (sectors 100..107) from the disk; each read must succeed.
; Not one of lmbench's own programs (lmdd moves whole files): the I/O experiment's request.
u_lat_disk:
    li r2, 4096
    call sbrk
    mov r9, r1                  ; the buffer
    call lm_start
    beq lm_done
ldisk_loop:
    addi r2, r0, DISK_FIRST
    mov r3, r9
    addi r4, r0, 8
    call dread
    or r10, r10, r1             ; 0, or -1 on an error
    addi r8, r8, -1
    cmp r8, r0
    bne ldisk_loop
    jmp lm_done

; lat_net: send a 64-byte frame to the echo peer and receive its echo (lmbench's lat_udp, with
; the echo peer as the other end); each echo must come back 64 bytes long.
LNET_BYTES = 64
u_lat_net:
    li r2, 4096
    call sbrk
    mov r9, r1                  ; transmit buffer at r9, receive buffer at r9 + 2048
    call lm_start
    beq lm_done
lnet_loop:
    mov r2, r9
    addi r3, r0, LNET_BYTES
    call nsend
    xori r1, r1, LNET_BYTES     ; 0 if all 64 went
    or r10, r10, r1
    addi r2, r9, 2048
    addi r3, r0, 2048
    call nrecv
    xori r1, r1, LNET_BYTES
    or r10, r10, r1
    addi r8, r8, -1
    cmp r8, r0
    bne lnet_loop
    jmp lm_done

; --- memhog K: a burst of memory between two stretches of computing (the balloon's demo) ---------
; Computes (K + 1) * MEMHOG_STEP iterations, forks a child that touches MEMHOG_PAGES new pages
; and exits (its frames go back to the kernel's free list, written and idle), then computes
; (9 - K) * MEMHOG_STEP more: the same work for every K, 0..8, with the burst at a different
; time. VMs running memhog 0, 1, 2, ... need their memory one after the other, so that what one
; freed can be ballooned out of it and given to the next (docs/overcommit.md).
; Only in a kernel built with MEMHOG=1 (Toyos.memhogImage()): the other programs keep their layout.
.if MEMHOG
MEMHOG_PAGES = 96
MEMHOG_STEP = 20000

u_memhog:
    la r2, argbuf
    mov r3, r0
    call argnum
    cmpi r1, 9
    bltu memhog_k
    addi r1, r0, 8              ; K beyond 8: as 8
memhog_k:
    mov r10, r1                 ; r10 = K
    addi r3, r10, 1
    li r4, MEMHOG_STEP
    mul r3, r3, r4
    addi r2, r0, 1
    call checksum
    mov r8, r1                  ; r8 = the first checksum
    call fork
    cmp r1, r0
    bne memhog_parent
    li r2, MEMHOG_PAGES * 4096  ; the child: touch every page of a new heap, and exit
    call sbrk
    mov r9, r0
memhog_touch:
    shli r3, r9, 12
    add r3, r1, r3
    sw r3, 0(r3)
    addi r9, r9, 1
    cmpi r9, MEMHOG_PAGES
    bne memhog_touch
    mov r2, r0
    call exit
memhog_parent:
    mov r2, r1
    call wait
    addi r3, r0, 9
    sub r3, r3, r10
    li r4, MEMHOG_STEP
    mul r3, r3, r4
    mov r2, r8
    call checksum
    mov r8, r1
    la r2, memhog_msg
    call puts
    mov r2, r8
    call puthex
    la r2, nl
    call puts
    mov r2, r0
    call exit
memhog_msg: .asciz "memhog: 96 pages touched and freed, checksum="
    .align 4
.endif
