; syscall.s -- system calls: `int 0x80` with the number in r1 and arguments in r2..r4; the
; result comes back in r1, every other register is preserved (the trap frame restores them).
;
;   1 exit(status)               never returns
;   2 write(buf, len) -> len     to the console
;   3 getpid() -> pid
;   4 yield() -> 0
;   5 wait(pid) -> status        pid 0: any child; -1 if there is no such child
;   6 sbrk(n) -> old break       grows the heap by n bytes; pages come on first touch
;   7 fork() -> pid / 0          copy-on-write
;   8 exec(name) -> -1           only returns on error
;   9 dread(sector, buf, n)      read n (1..8) sectors from the disk; 0 or -1
;  10 dwrite(sector, buf, n)     write n sectors; 0 or -1
;  11 nsend(buf, len) -> len     send a frame
;  12 nrecv(buf, max) -> len     receive a frame, waiting for one
;  13 getarg(buf) -> 0           copy the boot command line (32 bytes) to buf

; syscall(r1 = trap frame): call the handler with the arguments in r1..r3 (the kernel's
; convention) and put its result in the frame's r1.
syscall:
    push r8
    mov r8, r1
    lw r4, TF_R1(r8)
    cmpi r4, NSYSCALLS
    bgeu syscall_bad            ; unsigned: negative numbers are out of range too
    shli r4, r4, 2
    la r5, systab
    add r5, r5, r4
    lw r5, 0(r5)
    cmp r5, r0
    beq syscall_bad
    lw r1, TF_R2(r8)
    lw r2, TF_R3(r8)
    lw r3, TF_R4(r8)
    callr r5
    sw r1, TF_R1(r8)
    pop r8
    ret
syscall_bad:
    addi r1, r0, -1
    sw r1, TF_R1(r8)
    pop r8
    ret

    .align 4
systab:
    .word 0
    .word sys_exit
    .word sys_write
    .word sys_getpid
    .word sys_yield
    .word sys_wait
    .word sys_sbrk
    .word sys_fork
    .word sys_exec
    .word sys_dread
    .word sys_dwrite
    .word sys_nsend
    .word sys_nrecv
    .word sys_getarg

sys_exit:
    jmp kexit

; write(buf, len): copy bytes from user memory to the console. The kernel reads the buffer
; through the process's own mapping; a fault on it is handled (or kills) as a user fault.
sys_write:
    push r8
    push r9
    mov r8, r1
    mov r9, r2
    call user_range_ok
    cmp r1, r0
    beq sys_write_bad
    add r3, r8, r9
sys_write_loop:
    cmp r8, r3
    beq sys_write_done
    lbu r2, 0(r8)
    pv_out COM1, r2
    addi r8, r8, 1
    jmp sys_write_loop
sys_write_done:
    mov r1, r9
    pop r9
    pop r8
    ret
sys_write_bad:
    addi r1, r0, -1
    pop r9
    pop r8
    ret

sys_getpid:
    la r1, current
    lw r1, 0(r1)
    lw r1, P_PID(r1)
    ret

sys_yield:
    call yield
    mov r1, r0
    ret

sys_wait:
    jmp kwait

sys_fork:
    jmp kfork

sys_exec:
    jmp kexec

; sbrk(n): move the break; no page is allocated here (demand paging: see pf_resolve).
sys_sbrk:
    la r2, current
    lw r2, 0(r2)
    lw r3, P_BRK(r2)
    cmp r1, r0
    blt sys_sbrk_bad            ; toyos never shrinks a heap
    add r4, r3, r1
    li r5, HEAP_LIMIT
    cmp r4, r5
    bltu sys_sbrk_ok
    beq sys_sbrk_ok
sys_sbrk_bad:
    addi r1, r0, -1
    ret
sys_sbrk_ok:
    sw r4, P_BRK(r2)
    mov r1, r3
    ret

; getarg(buf): the boot command line, so that init knows which workload to run.
sys_getarg:
    push r8
    mov r8, r1
    addi r2, r0, 32
    call user_range_ok
    cmp r1, r0
    beq sys_getarg_bad
    mov r1, r8
    la r2, boot_cmdline
    addi r3, r0, 32
    call memcpy
    mov r1, r0
    pop r8
    ret
sys_getarg_bad:
    addi r1, r0, -1
    pop r8
    ret

sys_dread:
    addi r4, r0, DISK_READ
    jmp disk_rw

sys_dwrite:
    addi r4, r0, DISK_WRITE
    jmp disk_rw

sys_nsend:
    jmp net_send

sys_nrecv:
    jmp net_recv
