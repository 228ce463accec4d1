; trap.s -- the interrupt table, the trap entry and exit path, and trap dispatch.
;
; On a trap the CPU (docs/isa.md, "Traps and interrupts") switches to the kernel stack in cr4
; if it came from user mode, pushes the old sp, FLAGS, the return pc and an error code, and
; jumps to the table's entry. Each entry below is a three-instruction stub that saves r1, puts
; the vector number in r1 and joins alltraps, which saves the other registers. The result is
; the trap frame (param.s, TF_*), 76 bytes, which C-like code reads and writes:
;
;   sp+0   vector          sp+52  r15           sp+64  pc     (pushed by the CPU)
;   sp+4   r2              sp+56  r1            sp+68  FLAGS  (pushed by the CPU)
;   ...    ...             sp+60  error code    sp+72  sp     (pushed by the CPU)
;   sp+48  r13
;
; A trap from user mode always finds the kernel stack empty, so its frame sits at the very top
; of the process's kernel stack: P_KSTACK - TF_SIZE. fork and exec rely on it.

; set_gate VECTOR, HANDLER, DPL: the gate of VECTOR in the table at r1 (clobbers r2). The DPL,
; in the gate's low two bits, is the outermost ring that may reach it with `int`.
.macro set_gate vector, handler, dpl
    la r2, \handler + \dpl
    sw r2, \vector * 4(r1)
.endm

; idt_init(): fill the interrupt table and load IDTR.
idt_init:
    la r1, idt
    set_gate T_DE, vec_de, 0
    set_gate T_UD, vec_ud, 0
    set_gate T_DF, vec_df, 0
    set_gate T_GP, vec_gp, 0
    set_gate T_PF, vec_pf, 0
    set_gate T_AC, vec_ac, 0
    set_gate T_IRQ0, vec_irq0, 0
    set_gate T_IRQ1, vec_irq1, 0
    set_gate T_IRQ2, vec_irq2, 0
    set_gate T_IRQ3, vec_irq3, 0
    set_gate T_SYSCALL, vec_syscall, 3   ; user mode may `int 0x80`
    pv_lidt r1
    ret

; The vector stubs. Every other entry of the table is 0 (not present): `int` to it from user
; mode raises #GP, which kills the process.
vec_de:
    push r1
    addi r1, r0, T_DE
    jmp alltraps
vec_ud:
    push r1
    addi r1, r0, T_UD
    jmp alltraps
vec_df:
    push r1
    addi r1, r0, T_DF
    jmp alltraps
vec_gp:
    push r1
    addi r1, r0, T_GP
    jmp alltraps
vec_pf:
    push r1
    addi r1, r0, T_PF
    jmp alltraps
vec_ac:
    push r1
    addi r1, r0, T_AC
    jmp alltraps
vec_irq0:
    push r1
    addi r1, r0, T_IRQ0
    jmp alltraps
vec_irq1:
    push r1
    addi r1, r0, T_IRQ1
    jmp alltraps
vec_irq2:
    push r1
    addi r1, r0, T_IRQ2
    jmp alltraps
vec_irq3:
    push r1
    addi r1, r0, T_IRQ3
    jmp alltraps
vec_syscall:
    push r1
.if PARAVIRT
; The paravirtual entry is a fast trap (xen.s, xen_set_trap_table): user mode enters it with no
; exit, and the processor cannot mask events as it enters, as the native gate clears IF. So the
; entry masks them first (a word that is not 0: the shared-info page's own address).
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    sw r1, SH_UPCALL_MASK(r1)
vec_syscall_masked:
.endif
    addi r1, r0, T_SYSCALL
    jmp alltraps
.if PARAVIRT
; The event callback (set_callbacks): the hypervisor enters it as an interrupt, with an error
; code of 0 and events masked, when an event channel has something pending.
;
; An upcall that comes before the system-call entry has masked events (an exit between its
; first instruction and vec_syscall_masked, with an event pending) is not taken there: it
; returns to the entry with events masked and the event still pending, as if the entry had
; masked them at once, so that the event comes when the system call returns to user mode, as
; on bare metal (Xen-Linux's hypervisor callback fixes up its critical region alike).
vec_upcall:
    push r1
    push r2
    lw r1, 12(sp)               ; the interrupted pc (above r2, r1 and the error code)
    la r2, vec_syscall
    cmp r1, r2
    bltu vec_upcall_take
    la r2, vec_syscall_masked
    cmp r1, r2
    bgeu vec_upcall_take
    lw r1, 16(sp)               ; the interrupted FLAGS, IF cleared: iret masks events
    andi r1, r1, ~FLAG_IF & 0xFFFF
    sw r1, 16(sp)
    pop r2
    pop r1
    addi sp, sp, 4              ; the error code
    pv_iret
vec_upcall_take:
    pop r2
    addi r1, r0, T_UPCALL
    jmp alltraps
.endif

; alltraps: complete the trap frame, call trap(frame), and return through trapret.
alltraps:
    push r15
    push r13
    push r12
    push r11
    push r10
    push r9
    push r8
    push r7
    push r6
    push r5
    push r4
    push r3
    push r2
    push r1                     ; the vector number
    mov r1, sp
    call trap
; trapret: restore the registers from the frame on the stack and return from the trap. A new
; process starts here too (see fork and userinit), with a frame made by hand.
trapret:
    addi sp, sp, 4              ; the vector number
    pop r2
    pop r3
    pop r4
    pop r5
    pop r6
    pop r7
    pop r8
    pop r9
    pop r10
    pop r11
    pop r12
    pop r13
    pop r15
    pop r1
    addi sp, sp, 4              ; the error code
    pv_iret

; trap(r1 = trap frame): what to do about each vector.
trap:
    push r8
    mov r8, r1
    lw r2, TF_VEC(r8)
    cmpi r2, T_SYSCALL
    beq trap_syscall
    cmpi r2, T_IRQ0
    beq trap_timer
    cmpi r2, T_IRQ2
    beq trap_disk
    cmpi r2, T_IRQ3
    beq trap_net
    cmpi r2, T_IRQ1
    beq trap_console
    cmpi r2, T_PF
    beq trap_pf
.if PARAVIRT
    cmpi r2, T_UPCALL
    beq trap_upcall
.endif
    jmp trap_fault

trap_syscall:
    mov r1, r8
    call syscall
    jmp trap_done

; The timer: the scheduling quantum is over; every few ticks the balloon driver polls its target
; (balloon.s). Only a process interrupted in user mode is
; preempted; the kernel itself runs to completion (it runs with interrupts masked anyway,
; except while idle).
trap_timer:
    call pic_eoi
.if PARAVIRT
trap_tick:
.endif
    la r1, ticks
    lw r2, 0(r1)
    addi r2, r2, 1
    sw r2, 0(r1)
.if PARAVIRT == 0
    call balloon_tick           ; the paravirtual flavor has no balloon driver
.endif
    lw r2, TF_FLAGS(r8)
    andi r2, r2, FLAG_CPL
    cmp r2, r0
    beq trap_done
    call yield
    jmp trap_done

.if PARAVIRT
; Events: the devices' interrupts and the timer, as event channels. A timer event is the end
; of the quantum, as the native timer interrupt is; the next one is armed at once.
trap_upcall:
    call evtchn_do_upcall
    cmp r1, r0
    beq trap_done
    call xen_timer_arm
    jmp trap_tick
.endif

trap_disk:
    call pic_eoi
    call disk_intr
    jmp trap_done

trap_net:
    call pic_eoi
    call net_intr
    jmp trap_done

trap_console:
    call pic_eoi
    jmp trap_done

; A page fault: demand paging and copy-on-write, else the process dies.
trap_pf:
    pv_rdcr2 r1
    lw r2, TF_ERR(r8)
    call pf_resolve
    cmp r1, r0
    bne trap_done
    lw r2, TF_FLAGS(r8)         ; from user mode: the process's fault
    andi r2, r2, FLAG_CPL
    cmp r2, r0
    bne trap_kill
    pv_rdcr2 r1                 ; from the kernel, on a user address: a bad pointer passed
    li r2, USER_BASE            ; to a system call, still the process's fault
    cmp r1, r2
    bltu trap_kernel_pf
    li r2, USER_TOP
    cmp r1, r2
    bltu trap_kill
trap_kernel_pf:                 ; anything else is a kernel bug
    la r1, msg_panic_kpf
    call kputs
    pv_rdcr2 r1
    call kputhex
    la r1, msg_at_pc
    call kputs
    lw r1, TF_PC(r8)
    call kputhex
    la r1, msg_nl
    call kputs
    la r1, msg_halt
    jmp panic

; Any other exception: from user mode the process dies; in the kernel it is a bug.
trap_fault:
    lw r2, TF_FLAGS(r8)
    andi r2, r2, FLAG_CPL
    cmp r2, r0
    bne trap_kill
    la r1, msg_panic_trap
    call kputs
    lw r1, TF_VEC(r8)
    call kputdec
    la r1, msg_at_pc
    call kputs
    lw r1, TF_PC(r8)
    call kputhex
    la r1, msg_nl
    call kputs
    la r1, msg_halt
    jmp panic

; Kill the current process: "toyos: pid N killed: <what>", exit status -1. Never returns.
trap_kill:
    la r1, msg_killed_pid
    call kputs
    la r1, current
    lw r1, 0(r1)
    lw r1, P_PID(r1)
    call kputdec
    la r1, msg_killed
    call kputs
    lw r1, TF_VEC(r8)
    call trap_name
    call kputs
    lw r2, TF_VEC(r8)
    cmpi r2, T_PF
    bne trap_kill_nl
    la r1, msg_at
    call kputs
    pv_rdcr2 r1
    call kputhex
trap_kill_nl:
    la r1, msg_nl
    call kputs
    addi r1, r0, -1
    jmp kexit

trap_done:
    pop r8
    ret

; trap_name(r1 = vector) -> r1 = its name
trap_name:
    cmpi r1, T_DE
    beq trap_name_de
    cmpi r1, T_UD
    beq trap_name_ud
    cmpi r1, T_GP
    beq trap_name_gp
    cmpi r1, T_PF
    beq trap_name_pf
    cmpi r1, T_AC
    beq trap_name_ac
    la r1, msg_t_other
    ret
trap_name_de:
    la r1, msg_t_de
    ret
trap_name_ud:
    la r1, msg_t_ud
    ret
trap_name_gp:
    la r1, msg_t_gp
    ret
trap_name_pf:
    la r1, msg_t_pf
    ret
trap_name_ac:
    la r1, msg_t_ac
    ret

; pic_eoi(): tell the interrupt controller the interrupt is handled, so it can deliver the
; next one on this line (or a lower-priority line).
pic_eoi:
.if PARAVIRT == 0                ; the hypervisor ends the lines of a paravirtual kernel
    addi r1, r0, PIC_EOI
    pv_out PIC_CMD, r1
.endif
    ret

msg_t_de:   .asciz "divide error"
msg_t_ud:   .asciz "invalid opcode"
msg_t_gp:   .asciz "general protection fault"
msg_t_pf:   .asciz "page fault"
msg_t_ac:   .asciz "alignment check"
msg_t_other: .asciz "unexpected trap"
msg_killed_pid: .asciz "toyos: pid "
msg_killed: .asciz " killed: "
msg_at:     .asciz " at "
msg_at_pc:  .asciz " at pc="
msg_panic_kpf: .asciz "toyos: kernel page fault at "
msg_panic_trap: .asciz "toyos: kernel trap "
    .align 4
