; proc.s -- processes: the process table, the scheduler, context switch, fork, exec, exit, wait.
;
; A process is a slot of the process table (PSIZE bytes, fields P_* in param.s), a kernel stack
; (slot i owns KSTACKS + i * PAGE) and an address space (P_PGDIR). The current process is in
; `current`; it is the one whose kernel stack the CPU is on and whose directory is in cr3.
;
; States: UNUSED -> EMBRYO (being built) -> RUNNABLE <-> SLEEPING -> ZOMBIE (exited, waiting for
; its parent's wait) -> UNUSED. The running process is simply the RUNNABLE one in `current`.
;
; Scheduling is round robin: sched() looks at the slots after the current one, in order, for a
; RUNNABLE process and switches to it. The kernel is not preemptible: it gives up the CPU only
; by calling sched (yield, sleep, exit); the timer preempts user code only.

; allocproc() -> r1 = a fresh EMBRYO slot with a new pid, or 0 if the table is full
allocproc:
    la r1, proctab
    la r2, proctab_end
allocproc_loop:
    lw r3, P_STATE(r1)
    cmp r3, r0
    beq allocproc_found
    addi r1, r1, PSIZE
    cmp r1, r2
    bltu allocproc_loop
    mov r1, r0
    ret
allocproc_found:
    addi r3, r0, EMBRYO
    sw r3, P_STATE(r1)
    la r2, nextpid
    lw r3, 0(r2)
    sw r3, P_PID(r1)
    addi r3, r3, 1
    sw r3, 0(r2)
    sw r0, P_PARENT(r1)
    sw r0, P_CHAN(r1)
    sw r0, P_XSTATE(r1)
    la r2, proctab              ; kernel stack top = KSTACKS + (slot + 1) * PAGE
    sub r3, r1, r2
    shri r3, r3, 6
    addi r3, r3, 1
    shli r3, r3, 12
    li r2, KSTACKS
    add r3, r3, r2
    sw r3, P_KSTACK(r1)
    ret

; user_frame(r1 = process, r2 = entry): make the process's trap frame say "start in user
; mode at entry, with an empty stack and every register 0".
user_frame:
    lw r3, P_KSTACK(r1)
    addi r3, r3, -TF_SIZE
    mov r4, r3
    addi r5, r3, TF_SIZE
user_frame_clear:
    sw r0, 0(r4)
    addi r4, r4, 4
    cmp r4, r5
    bne user_frame_clear
    sw r2, TF_PC(r3)
    li r4, USER_FLAGS
    sw r4, TF_FLAGS(r3)
    li r4, USTACK_TOP
    sw r4, TF_SP(r3)
    ret

; set_heap(r1 = process): the heap starts at the first page after the user image
set_heap:
    la r2, uimg_end
    addi r2, r2, PAGE - 1
    shri r2, r2, 12
    shli r2, r2, 12
    sw r2, P_HEAP(r1)
    sw r2, P_BRK(r1)
    ret

; userinit(): the first process, running the `init` program. Never returns: it starts the
; process by "returning" from a trap frame built by hand.
userinit:
    call allocproc
    mov r8, r1
    call uvm_new
    sw r1, P_PGDIR(r8)
    call uvm_load_image
    mov r1, r8
    call set_heap
    mov r1, r8
    la r2, u_init
    call user_frame
    addi r2, r0, RUNNABLE
    sw r2, P_STATE(r8)
    la r2, current
    sw r8, 0(r2)
    lw r2, P_KSTACK(r8)
    pv_wrcr4 r2
    lw r3, P_PGDIR(r8)
    pv_wrcr3 r3
    addi sp, r2, -TF_SIZE
    jmp trapret

; swtch(r1 = where to save the old kernel sp, r2 = the new kernel sp): the context switch.
; Saves the callee-saved registers on the old stack, switches stacks, restores them from the
; new one and returns: into whatever call of swtch the new process made when it was switched
; out (or into trapret, for a process that fork has just made).
swtch:
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    sw sp, 0(r1)
    mov sp, r2
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    ret

; sched(): run the next RUNNABLE process, round robin, starting after the current one and
; coming back to it last. If nothing can run but something sleeps, wait for an interrupt; if
; nothing is left at all, power off. Returns when the current process is chosen again.
sched:
    push r8
    push r9
    la r8, current
    lw r8, 0(r8)
sched_scan:
    mov r9, r8
    addi r7, r0, NPROC
sched_next:
    addi r9, r9, PSIZE
    la r2, proctab_end
    cmp r9, r2
    bltu sched_check
    la r9, proctab
sched_check:
    lw r3, P_STATE(r9)
    cmpi r3, RUNNABLE
    beq sched_found
    addi r7, r7, -1
    cmp r7, r0
    bne sched_next
    call any_alive
    cmp r1, r0
    beq poweroff
    pv_idle                     ; sleepers wait for a device: let its interrupt in
    jmp sched_scan
sched_found:
    cmp r9, r8
    beq sched_done
    la r2, current
    sw r9, 0(r2)
    lw r3, P_KSTACK(r9)
    pv_wrcr4 r3
    lw r3, P_PGDIR(r9)
    pv_wrcr3 r3
    la r1, stat_switches
    lw r2, 0(r1)
    addi r2, r2, 1
    sw r2, 0(r1)
    addi r1, r8, P_KSP
    lw r2, P_KSP(r9)
    call swtch
sched_done:
    pop r9
    pop r8
    ret

; any_alive() -> r1 = 1 if some process may still run (EMBRYO, RUNNABLE or SLEEPING)
any_alive:
    la r1, proctab
    la r2, proctab_end
any_alive_loop:
    lw r3, P_STATE(r1)
    cmpi r3, EMBRYO
    beq any_alive_yes
    cmpi r3, RUNNABLE
    beq any_alive_yes
    cmpi r3, SLEEPING
    beq any_alive_yes
    addi r1, r1, PSIZE
    cmp r1, r2
    bltu any_alive_loop
    mov r1, r0
    ret
any_alive_yes:
    addi r1, r0, 1
    ret

; poweroff: every process has exited.
poweroff:
    la r1, msg_poweroff
    call kputs
    pv_poweroff

; yield(): give up the CPU, staying RUNNABLE.
yield:
    jmp sched

; sleep(r1 = channel): wait until wakeup(channel). The kernel runs with interrupts masked, so
; no wakeup can come between the caller's test of its condition and the sleep.
sleep:
    push r8
    la r8, current
    lw r8, 0(r8)
    sw r1, P_CHAN(r8)
    addi r2, r0, SLEEPING
    sw r2, P_STATE(r8)
    call sched
    sw r0, P_CHAN(r8)
    pop r8
    ret

; wakeup(r1 = channel): make every process sleeping on channel RUNNABLE.
wakeup:
    la r2, proctab
    la r3, proctab_end
wakeup_loop:
    lw r4, P_STATE(r2)
    cmpi r4, SLEEPING
    bne wakeup_next
    lw r4, P_CHAN(r2)
    cmp r4, r1
    bne wakeup_next
    addi r4, r0, RUNNABLE
    sw r4, P_STATE(r2)
wakeup_next:
    addi r2, r2, PSIZE
    cmp r2, r3
    bltu wakeup_loop
    ret

; kfork() -> r1 = the child's pid in the parent (the child sees 0), or -1.
kfork:
    push r8
    push r9
    push r10
    push r11
    la r8, current
    lw r8, 0(r8)
    call allocproc
    cmp r1, r0
    beq kfork_fail
    mov r9, r1
    lw r1, P_PGDIR(r8)
    call uvm_cow_copy
    sw r1, P_PGDIR(r9)
    lw r1, P_PGDIR(r8)          ; the parent's PTEs lost W: flush its TLB
    pv_wrcr3 r1
    lw r1, P_HEAP(r8)
    sw r1, P_HEAP(r9)
    lw r1, P_BRK(r8)
    sw r1, P_BRK(r9)
    sw r8, P_PARENT(r9)
    lw r10, P_KSTACK(r8)        ; copy the parent's trap frame to the child's stack
    addi r10, r10, -TF_SIZE
    lw r11, P_KSTACK(r9)
    addi r11, r11, -TF_SIZE
    mov r1, r11
    mov r2, r10
    addi r3, r0, TF_SIZE
    call memcpy
    sw r0, TF_R1(r11)           ; fork returns 0 in the child
    addi r2, r11, -28           ; below it, what swtch pops: six registers, then trapret
    la r3, trapret
    sw r3, 24(r2)
    sw r2, P_KSP(r9)
    addi r3, r0, RUNNABLE
    sw r3, P_STATE(r9)
    lw r1, P_PID(r9)
    jmp kfork_out
kfork_fail:
    addi r1, r0, -1
kfork_out:
    pop r11
    pop r10
    pop r9
    pop r8
    ret

; kexec(r1 = program name, a user pointer) -> r1 = 0 (the process now runs the program from
; its entry, with a fresh address space), or -1 if there is no such program.
kexec:
    push r8
    push r9
    push r10
    mov r8, r1
    mov r1, r8                  ; copy the name into the kernel first: the old address space
    addi r2, r0, 32             ; is about to go away
    call user_range_ok
    cmp r1, r0
    beq kexec_fail
    la r9, execname
    addi r10, r0, 31
kexec_copy:
    lbu r2, 0(r8)
    sb r2, 0(r9)
    cmp r2, r0
    beq kexec_lookup
    addi r8, r8, 1
    addi r9, r9, 1
    addi r10, r10, -1
    cmp r10, r0
    bne kexec_copy
    sb r0, 0(r9)
kexec_lookup:
    la r8, progtab
kexec_find:
    lw r1, 0(r8)
    cmp r1, r0
    beq kexec_fail
    la r2, execname
    call strcmp
    cmp r1, r0
    beq kexec_found
    addi r8, r8, 8
    jmp kexec_find
kexec_found:
    call uvm_new                ; a new address space with a fresh copy of the image
    mov r9, r1
    call uvm_load_image
    la r10, current
    lw r10, 0(r10)
    lw r1, P_PGDIR(r10)         ; switch to it, then drop the old one
    sw r9, P_PGDIR(r10)
    pv_wrcr3 r9
    call uvm_free
    mov r1, r10
    call set_heap
    mov r1, r10
    lw r2, 4(r8)
    call user_frame
    mov r1, r0
    jmp kexec_out
kexec_fail:
    addi r1, r0, -1
kexec_out:
    pop r10
    pop r9
    pop r8
    ret

; kexit(r1 = status): the current process ends. Never returns.
kexit:
    la r8, current
    lw r8, 0(r8)
    sw r1, P_XSTATE(r8)
    lw r9, P_PGDIR(r8)
    li r1, KPGDIR               ; leave the address space before freeing it
    pv_wrcr3 r1
    sw r1, P_PGDIR(r8)
    mov r1, r9
    call uvm_free
    call disk_release_if_owner
    la r9, proctab              ; children become orphans; dead ones are freed
    la r10, proctab_end
kexit_orphans:
    lw r2, P_PARENT(r9)
    cmp r2, r8
    bne kexit_next
    sw r0, P_PARENT(r9)
    lw r2, P_STATE(r9)
    cmpi r2, ZOMBIE
    bne kexit_next
    sw r0, P_STATE(r9)
kexit_next:
    addi r9, r9, PSIZE
    cmp r9, r10
    bltu kexit_orphans
    lw r1, P_PARENT(r8)
    cmp r1, r0
    beq kexit_orphan
    addi r2, r0, ZOMBIE         ; the parent collects the status in wait
    sw r2, P_STATE(r8)
    call wakeup                 ; a parent waits on its own slot address
    jmp kexit_sched
kexit_orphan:
    sw r0, P_STATE(r8)          ; nobody will wait: free the slot now
kexit_sched:
    call sched
    la r1, msg_zombie
    jmp panic

; kwait(r1 = pid, or 0 for any child) -> r1 = the child's exit status, or -1 if there is no
; such child. Sleeps until the child has exited.
kwait:
    push r8
    push r9
    push r10
    push r11
    mov r10, r1
    la r8, current
    lw r8, 0(r8)
kwait_scan:
    mov r11, r0                 ; found a matching child?
    la r9, proctab
kwait_loop:
    lw r2, P_PARENT(r9)
    cmp r2, r8
    bne kwait_next
    lw r2, P_STATE(r9)
    cmp r2, r0
    beq kwait_next
    cmp r10, r0
    beq kwait_match
    lw r2, P_PID(r9)
    cmp r2, r10
    bne kwait_next
kwait_match:
    addi r11, r0, 1
    lw r2, P_STATE(r9)
    cmpi r2, ZOMBIE
    bne kwait_next
    lw r1, P_XSTATE(r9)         ; reap it
    sw r0, P_STATE(r9)
    sw r0, P_PARENT(r9)
    jmp kwait_out
kwait_next:
    addi r9, r9, PSIZE
    la r2, proctab_end
    cmp r9, r2
    bltu kwait_loop
    cmp r11, r0
    beq kwait_none
    mov r1, r8
    call sleep
    jmp kwait_scan
kwait_none:
    addi r1, r0, -1
kwait_out:
    pop r11
    pop r10
    pop r9
    pop r8
    ret
