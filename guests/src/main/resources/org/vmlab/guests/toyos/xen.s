; xen.s -- the paravirtual kernel's side of the hypervisor interface (docs/paravirt.md).
;
; Assembled only in the paravirtual build (PARAVIRT=1). The macros of privops.s call these
; routines. Each keeps every register, as the instruction its macro replaces would; an operand
; travels in the stack slot just above the return address (4(sp) on entry), in and out.
;
; A hypercall: the number in r1, arguments in r2..r6, `int 0x82`, the result in r1 (negative:
; an error, Xen's numbers).





; save_regs / restore_regs: r1..r7 around a routine's body (the operand slot is then 32(sp)).
.macro save_regs
    push r1
    push r2
    push r3
    push r4
    push r5
    push r6
    push r7
.endm

.macro restore_regs
    pop r7
    pop r6
    pop r5
    pop r4
    pop r3
    pop r2
    pop r1
.endm
ARG = 32                        ; the operand slot, after save_regs
ARG2 = 36                       ; a second operand, pushed before the first

; xen_start(r1 = the start-info page): keep what the domain builder handed over, build the
; machine-to-physical table, register the event callback and bind the event channels the
; kernel uses. Runs first, on the builder's mapping, with events masked.
xen_start:
    lw r2, SI_MAGIC(r1)
    li r3, XEN_MAGIC
    cmp r2, r3
    bne xen_start_nomagic
    la r2, xen_start_info
    sw r1, 0(r2)
    lw r3, SI_SHARED_INFO(r1)
    la r2, hypervisor_shared_info
    sw r3, 0(r2)
    lw r3, SI_MFN_LIST(r1)
    la r2, xen_mfn_list
    sw r3, 0(r2)
    lw r4, SI_NR_PAGES(r1)
    la r2, xen_nr_pages
    sw r4, 0(r2)
    mov r5, r0                  ; M2P[mfn_list[pfn]] = pfn, for every pfn
    li r7, M2P
xen_m2p_loop:
    cmp r5, r4
    bgeu xen_m2p_done
    lw r6, 0(r3)
    li r2, M2P_ENTRIES
    cmp r6, r2
    bgeu xen_m2p_toobig
    shli r6, r6, 2
    add r6, r6, r7
    sw r5, 0(r6)
    addi r3, r3, 4
    addi r5, r5, 1
    jmp xen_m2p_loop
xen_m2p_done:
    la r2, vec_upcall           ; set_callbacks(event callback, failsafe callback)
    mov r3, r0
    hypercall HYPERVISOR_set_callbacks
    addi r1, r0, EVTCHNOP_bind_virq
    addi r2, r0, VIRQ_TIMER
    call xen_bind
    la r2, port_timer
    sw r1, 0(r2)
.if SPLIT == 0                  ; (split drivers: their ports are their front ends', bound later)
    addi r1, r0, EVTCHNOP_bind_pirq
    addi r2, r0, T_IRQ2 - T_IRQ0        ; the disk's line
    call xen_bind
    la r2, port_disk
    sw r1, 0(r2)
    addi r1, r0, EVTCHNOP_bind_pirq
    addi r2, r0, T_IRQ3 - T_IRQ0        ; the network's line
    call xen_bind
    la r2, port_net
    sw r1, 0(r2)
.endif
    ret
xen_m2p_toobig:
    la r1, msg_m2p
    jmp panic
xen_start_nomagic:              ; not started by a hypervisor: nothing to print with
    la r2, xen_shutdown_reason
    addi r3, r0, SHUTDOWN_crash
    sw r3, 0(r2)
    mov r3, r2
    addi r2, r0, SCHEDOP_shutdown
    hypercall HYPERVISOR_sched_op
    jmp xen_start_nomagic

; xen_bind(r1 = command, r2 = what to bind) -> r1 = the new port, unmasked. Panics if the
; hypervisor refuses.
xen_bind:
    la r3, xen_evtchn_arg
    sw r2, 0(r3)                ; virq or pirq
    sw r0, 4(r3)                ; vcpu 0, or flags 0
    sw r0, 8(r3)                ; the port, written by the hypervisor
    mov r2, r1
    hypercall HYPERVISOR_event_channel_op
    cmp r1, r0
    bne xen_refused
    lw r1, 8(r3)
    push r1
    sw r1, 0(r3)                ; unmask(port)
    addi r2, r0, EVTCHNOP_unmask
    hypercall HYPERVISOR_event_channel_op
    cmp r1, r0
    bne xen_refused
    pop r1
    ret

; A hypercall the kernel cannot do without failed: r1 holds the error.
xen_refused:
    push r1
    la r1, msg_refused
    call kputs
    pop r1
    sub r1, r0, r1
    call kputdec
    la r1, msg_nl
    call kputs
    la r1, msg_halt
    jmp panic

; xen_timer_arm(): one VIRQ_TIMER event TIMER_PERIOD ticks after the time of the last exit
; (set_timer_op takes an absolute deadline, in two words).
xen_timer_arm:
    save_regs
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    lw r4, SH_TIME_LO(r1)
    lw r3, SH_TIME_HI(r1)
    li r5, TIMER_PERIOD
    add r2, r4, r5
    cmp r2, r4
    bgeu xen_timer_nocarry
    addi r3, r3, 1
xen_timer_nocarry:
    hypercall HYPERVISOR_set_timer_op
    restore_regs
    ret

; Events on and off: a store to the upcall mask of the shared-info page, no exit. Having
; unmasked, the kernel looks at upcall pending and calls the hypervisor only if an event is
; waiting; the upcall is delivered as that call returns.
xen_irq_disable:
    push r1
    push r2
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    addi r2, r0, 1
    sw r2, SH_UPCALL_MASK(r1)
    pop r2
    pop r1
    ret

xen_irq_enable:
    push r1
    push r2
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    sw r0, SH_UPCALL_MASK(r1)
    lw r2, SH_UPCALL_PENDING(r1)
    cmp r2, r0
    beq xen_irq_enable_done
    call xen_force_callback
xen_irq_enable_done:
    pop r2
    pop r1
    ret

; The cheapest hypercall, made only so that a pending upcall is delivered as it returns.
xen_force_callback:
    push r1
    push r2
    mov r2, r0
    hypercall HYPERVISOR_xen_version
    pop r2
    pop r1
    ret

; xen_irq_save(): the old upcall mask into the slot its macro made, then mask.
xen_irq_save:
    push r1
    push r2
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    lw r2, SH_UPCALL_MASK(r1)
    sw r2, 12(sp)
    addi r2, r0, 1
    sw r2, SH_UPCALL_MASK(r1)
    pop r2
    pop r1
    ret

; xen_irq_restore(): the upcall mask back from the slot; unmasking delivers what is pending.
xen_irq_restore:
    push r1
    push r2
    lw r2, 12(sp)
    cmp r2, r0
    bne xen_irq_restore_masked
    pop r2
    pop r1
    jmp xen_irq_enable          ; tail call
xen_irq_restore_masked:
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    sw r2, SH_UPCALL_MASK(r1)
    pop r2
    pop r1
    ret

; xen_idle(): wait for an event with events enabled, then mask them again, as the native
; pushf / sti / hlt / popf does. sched_op(block) unmasks; the upcall runs as it returns.
xen_idle:
    save_regs
    addi r2, r0, SCHEDOP_block
    mov r3, r0
    hypercall HYPERVISOR_sched_op
    la r1, hypervisor_shared_info
    lw r1, 0(r1)
    addi r2, r0, 1
    sw r2, SH_UPCALL_MASK(r1)
    restore_regs
    ret

; xen_poweroff: sched_op(shutdown, poweroff). Never returns.
xen_poweroff:
    la r3, xen_shutdown_reason
    sw r0, 0(r3)                ; SHUTDOWN_poweroff
    addi r2, r0, SCHEDOP_shutdown
    hypercall HYPERVISOR_sched_op
    jmp xen_poweroff

; xen_putc(byte in the slot): console_io(write, 1, the byte).
xen_putc:
    save_regs
    addi r4, sp, ARG            ; the byte is the slot's low byte (little-endian)
    addi r3, r0, 1
    addi r2, r0, CONSOLEIO_write
    hypercall HYPERVISOR_console_io
    restore_regs
    ret

; xen_puts(r1 = NUL-terminated string): the whole string in one console_io.
xen_puts:
    push r1
    mov r4, r1
    mov r3, r0
xen_puts_len:
    add r2, r4, r3
    lbu r2, 0(r2)
    cmp r2, r0
    beq xen_puts_write
    addi r3, r3, 1
    jmp xen_puts_len
xen_puts_write:
    addi r2, r0, CONSOLEIO_write
    hypercall HYPERVISOR_console_io
    pop r1
    ret

; xen_set_trap_table(the interrupt table in the slot): the same gates, as Xen's trap_info list
; (vector | ring << 8 | flags, then the address; address 0 ends it). Every entry masks events,
; as entering any handler clears IF on the machine, but the system call's: it is a fast trap,
; which user mode enters without passing through the hypervisor, and which cannot mask events
; (docs/paravirt.md, "Fast system calls"); its entry, vec_syscall, masks them itself.
xen_set_trap_table:
    save_regs
    lw r1, ARG(sp)              ; the table: one gate (address | ring) per vector
    la r2, xen_trap_list
    mov r3, r0                  ; the vector
xen_trap_loop:
    shli r4, r3, 2
    add r4, r1, r4
    lw r4, 0(r4)
    cmp r4, r0
    beq xen_trap_next
    andi r5, r4, 3
    shli r5, r5, 8
    or r5, r5, r3
    cmpi r3, T_SYSCALL
    beq xen_trap_fast
    ori r5, r5, TI_MASK_EVENTS
    jmp xen_trap_store
xen_trap_fast:
    ori r5, r5, TI_FAST_TRAP
xen_trap_store:
    sw r5, 0(r2)
    shri r4, r4, 2
    shli r4, r4, 2
    sw r4, 4(r2)
    addi r2, r2, 8
xen_trap_next:
    addi r3, r3, 1
    cmpi r3, 256
    bne xen_trap_loop
    sw r0, 0(r2)
    sw r0, 4(r2)
    la r2, xen_trap_list
    hypercall HYPERVISOR_set_trap_table
    cmp r1, r0
    bne xen_refused
    restore_regs
    ret

; xen_stack_switch(sp in the slot): traps from user mode land on that kernel stack.
xen_stack_switch:
    save_regs
    mov r2, r0
    lw r3, ARG(sp)
    hypercall HYPERVISOR_stack_switch
    restore_regs
    ret

; xen_mfn(r1 = pseudo-physical address) -> r1 = its machine address, through the frame list.
xen_mfn:
    push r2
    push r3
    shri r2, r1, 12
    la r3, xen_nr_pages
    lw r3, 0(r3)
    cmp r2, r3
    bgeu xen_mfn_bad
    shli r2, r2, 2
    la r3, xen_mfn_list
    lw r3, 0(r3)
    add r2, r2, r3
    lw r2, 0(r2)
    shli r2, r2, 12
    andi r1, r1, 0xFFF
    or r1, r1, r2
    pop r3
    pop r2
    ret
xen_mfn_bad:
    la r1, msg_mfn
    jmp panic

; xen_m2p_entry(an entry in the slot): a present entry's machine frame becomes pseudo-physical.
xen_m2p_entry:
    push r1
    push r2
    lw r1, 12(sp)
    andi r2, r1, PTE_P
    cmp r2, r0
    beq xen_m2p_entry_done
    shri r2, r1, 12
    shli r2, r2, 2
    li r1, M2P
    add r2, r2, r1
    lw r2, 0(r2)
    shli r2, r2, 12
    lw r1, 12(sp)
    andi r1, r1, 0xFFF
    or r1, r1, r2
    sw r1, 12(sp)
xen_m2p_entry_done:
    pop r2
    pop r1
    ret



; xen_set_pte(ptr, val in the slots 4(sp) and 8(sp) on entry): mmu_update of one entry.
xen_set_pte:
    save_regs
    lw r1, ARG(sp)
    call xen_mfn
    la r2, xen_mmu_req
    sw r1, 0(r2)                ; ptr: the entry's machine address, MMU_NORMAL_PT_UPDATE
    lw r1, ARG2(sp)
    andi r3, r1, PTE_P
    cmp r3, r0
    beq xen_set_pte_val
    call xen_mfn
xen_set_pte_val:
    sw r1, 4(r2)
    addi r3, r0, 1
    mmu_batch HYPERVISOR_mmu_update
    restore_regs
    ret

; xen_mmuext(r1 = command, r2 = argument): one mmuext_op.
xen_mmuext:
    push r3
    push r4
    push r5
    la r3, xen_mmuext_req
    sw r1, 0(r3)
    sw r2, 4(r3)
    sw r0, 8(r3)
    mov r2, r3
    addi r3, r0, 1
    mmu_batch HYPERVISOR_mmuext_op
    pop r5
    pop r4
    pop r3
    ret

; xen_new_baseptr(the directory in the slot): mmuext_op(NEW_BASEPTR, its machine frame).
xen_new_baseptr:
    save_regs
    lw r1, ARG(sp)
    call xen_mfn
    shri r2, r1, 12
    addi r1, r0, MMUEXT_NEW_BASEPTR
    call xen_mmuext
    restore_regs
    ret

; xen_invlpg(va in the slot): mmuext_op(INVLPG_LOCAL, va).
xen_invlpg:
    save_regs
    lw r2, ARG(sp)
    addi r1, r0, MMUEXT_INVLPG_LOCAL
    call xen_mmuext
    restore_regs
    ret

; xen_pin(r1 = MMUEXT_PIN_L1_TABLE or _L2_TABLE or MMUEXT_UNPIN_TABLE, r2 = pseudo-physical
; frame): pin or unpin it. Keeps every register but r1.
xen_pin:
    push r2
    push r1
    mov r1, r2
    call xen_mfn
    shri r2, r1, 12
    pop r1
    call xen_mmuext
    pop r2
    ret

; xen_map_frame(r1 = pseudo-physical frame, r2 = PTE_P or PTE_P | PTE_W): remap the frame in
; the kernel's direct map, read-only before it becomes a page table, writable when it stops
; being one (update_va_mapping, then invlpg). Keeps every register but r1.
xen_map_frame:
    push r2
    push r3
    push r4
    push r5
    push r6
    mov r5, r2
    mov r6, r1
    call xen_mfn
    or r3, r1, r5
    mov r2, r6
    addi r4, r0, UVMF_INVLPG
    hypercall HYPERVISOR_update_va_mapping
    cmp r1, r0
    bne xen_refused
    pop r6
    pop r5
    pop r4
    pop r3
    pop r2
    ret

; xen_new_table(r1 = a fresh frame, r2 = MMUEXT_PIN_L1_TABLE or _L2_TABLE): make it read-only
; in the direct map and pin it. Keeps every register but r1.
xen_new_table:
    push r2
    push r1
    addi r2, r0, PTE_P
    call xen_map_frame
    lw r2, 0(sp)
    lw r1, 4(sp)
    call xen_pin
    pop r1
    pop r2
    ret

; xen_free_table(r1 = a pinned table): unpin it and make it writable in the direct map again,
; so that it can go back to kalloc. Keeps every register but r1.
xen_free_table:
    push r2
    push r1
    mov r2, r1
    addi r1, r0, MMUEXT_UNPIN_TABLE
    call xen_pin
    lw r1, 0(sp)
    addi r2, r0, PTE_P | PTE_W
    call xen_map_frame
    pop r1
    pop r2
    ret

; evtchn_do_upcall() -> r1 = how many timer events came. The event callback's work, as
; Linux's: clear upcall pending, take the pending unmasked ports (clearing them), handle each,
; and look again until nothing is pending.
evtchn_do_upcall:
    push r8
    push r9
    push r10
    mov r10, r0
evtchn_again:
    la r8, hypervisor_shared_info
    lw r8, 0(r8)
    sw r0, SH_UPCALL_PENDING(r8)
    lw r9, SH_PENDING(r8)
    lw r2, SH_MASKED(r8)
    addi r3, r0, -1
    xor r2, r2, r3
    and r9, r9, r2              ; r9 = pending and unmasked
    cmp r9, r0
    beq evtchn_done
    lw r2, SH_PENDING(r8)
    addi r3, r0, -1
    xor r3, r9, r3
    and r2, r2, r3
    sw r2, SH_PENDING(r8)       ; taken
    la r2, port_timer
    lw r1, 0(r2)
    call evtchn_is
    cmp r1, r0
    beq evtchn_disk
    addi r10, r10, 1
evtchn_disk:
    la r2, port_disk
    lw r1, 0(r2)
    call evtchn_is
    cmp r1, r0
    beq evtchn_net
    call disk_intr
evtchn_net:
    la r2, port_net
    lw r1, 0(r2)
    call evtchn_is
    cmp r1, r0
    beq evtchn_again
    call net_intr
    jmp evtchn_again
evtchn_done:
    mov r1, r10
    pop r10
    pop r9
    pop r8
    ret

; evtchn_is(r1 = port) -> r1 = 1 if bit r1 of r9 is set
evtchn_is:
    shr r1, r9, r1
    andi r1, r1, 1
    ret

msg_refused:    .asciz "toyos: the hypervisor refused a hypercall: error -"
msg_m2p:        .asciz "a machine frame beyond the M2P table"
msg_mfn:        .asciz "a pseudo-physical frame beyond the frame list"
    .align 4
