; privops.s -- every privileged operation of toyos, as a macro.
;
; The rest of the kernel never writes cli, sti, hlt, iret, lidt, mtcr, mfcr, invlpg, in, out,
; pushf or popf itself. It writes one of the macros below. This is the seam of
; paravirtualization, as in Linux's paravirt-ops: the paravirtual kernel is the same source
; assembled with PARAVIRT=1, where each macro becomes a hypercall to the hypervisor, or a store
; to the shared-info page, instead of an instruction that would trap (or, on the legacy ISA,
; silently misbehave). docs/paravirt.md is the interface; xen.s holds the routines the
; paravirtual macros call.
;
; Register convention: the macros change only the registers named as their operands (the
; paravirtual ones may change the condition bits).

.ifndef PARAVIRT
PARAVIRT = 0
.endif

; Mask external interrupts.
.macro pv_cli
.if PARAVIRT
    call xen_irq_disable        ; a store to the upcall mask: no exit
.else
    cli
.endif
.endm

; Unmask external interrupts.
.macro pv_sti
.if PARAVIRT
    call xen_irq_enable         ; a store; a hypercall only if an event is pending
.else
    sti
.endif
.endm

; Idle: wait for the next interrupt with interrupts enabled, then put back the interrupt state
; the kernel had (masked), saved and restored through FLAGS as Linux's local_irq_save and
; local_irq_restore do. The instruction after sti runs before any interrupt is taken, so a
; wake-up cannot slip in between sti and hlt.
;
; On the legacy ISA this is where trap-and-emulate breaks: in ring 1, popf does not trap and
; silently ignores IF, so the deprivileged kernel goes on with (virtual) interrupts enabled.
.macro pv_idle
.if PARAVIRT
    call xen_idle               ; sched_op(block): the event's upcall runs as it returns
.else
    pushf
    sti
    hlt
    popf
.endif
.endm

; Save FLAGS on the stack and mask interrupts; pv_irq_restore puts IF back as it was. For code
; that may run with interrupts on or off (Linux's local_irq_save / local_irq_restore).
.macro pv_irq_save
.if PARAVIRT
    addi sp, sp, -4             ; the saved upcall mask, where pushf would put FLAGS
    call xen_irq_save
.else
    pushf
    cli
.endif
.endm

.macro pv_irq_restore
.if PARAVIRT
    call xen_irq_restore
    addi sp, sp, 4
.else
    popf
.endif
.endm

; Power off: hlt with interrupts masked stops the machine.
.macro pv_poweroff
.if PARAVIRT
    jmp xen_poweroff            ; sched_op(shutdown, poweroff): never returns
.else
    cli
    hlt
.endif
.endm

; Return from a trap: pops pc, FLAGS (ring and IF) and sp.
.macro pv_iret
.if PARAVIRT
    push r1                     ; iret(): the frame is r1, pc, FLAGS, sp
    addi r1, r0, HYPERVISOR_iret
    int HYPERCALL_VECTOR
.else
    iret
.endif
.endm

; Install the interrupt table whose address is in \reg.
.macro pv_lidt reg
.if PARAVIRT
    push \reg                   ; set_trap_table(the table, in Xen's trap_info format)
    call xen_set_trap_table
    pop \reg
.else
    lidt \reg
.endif
.endm

; Control registers.
.macro pv_rdcr0 reg
.if PARAVIRT
    .error "the paravirtual kernel never reads cr0: paging is on from its first instruction"
.else
    mfcr \reg, cr0
.endif
.endm

.macro pv_wrcr0 reg
.if PARAVIRT
    .error "the paravirtual kernel never writes cr0: paging is on from its first instruction"
.else
    mtcr cr0, \reg
.endif
.endm

; The faulting address of the last page fault.
.macro pv_rdcr2 reg
.if PARAVIRT
    la \reg, hypervisor_shared_info    ; arch.cr2 of the shared-info page
    lw \reg, 0(\reg)
    lw \reg, SH_CR2(\reg)
.else
    mfcr \reg, cr2
.endif
.endm

; Switch address space (and flush the TLB).
.macro pv_wrcr3 reg
.if PARAVIRT
    push \reg                   ; mmuext_op(NEW_BASEPTR, the directory's machine frame)
    call xen_new_baseptr
    pop \reg
.else
    mtcr cr3, \reg
.endif
.endm

; The kernel stack the CPU switches to on a trap from user mode.
.macro pv_wrcr4 reg
.if PARAVIRT
    push \reg                   ; stack_switch(0, sp)
    call xen_stack_switch
    pop \reg
.else
    mtcr cr4, \reg
.endif
.endm

; Drop the TLB entry of the page holding the address in \reg.
.macro pv_invlpg reg
.if PARAVIRT
    push \reg                   ; mmuext_op(INVLPG_LOCAL, va)
    call xen_invlpg
    pop \reg
.else
    invlpg \reg
.endif
.endm

; Port I/O.
.macro pv_in reg, port
.if PARAVIRT
    in \reg, \port              ; the device is emulated: the access exits (a split
.else                           ; driver would share a ring with the back end instead)
    in \reg, \port
.endif
.endm

.macro pv_out port, reg
.if PARAVIRT
.if \port == COM1
    push \reg                   ; console_io(write, 1, the byte)
    call xen_putc
    pop \reg
.elif \port == PIC_CMD || \port == PIC_MASK || \port == TIMER_PERIOD_PORT
    .error "the paravirtual kernel takes its interrupts as events, not from the PIC or the timer"
.else
    out \port, \reg             ; the device is emulated: the access exits
.endif
.else
    out \port, \reg
.endif
.endm

; Page tables. The native kernel writes an entry with a store; the paravirtual kernel's tables
; hold machine frame numbers and are read-only to it once pinned, so it asks the hypervisor to
; validate and write the entry (mmu_update), translating the frame through its frame list.
; pv_set_pte PTR, VAL: the entry at (pseudo-physical) PTR becomes VAL (a pseudo-physical frame
; and flags).
.macro pv_set_pte ptr, val
.if PARAVIRT
    push \val
    push \ptr
    call xen_set_pte
    pop \ptr
    pop \val
.else
    sw \val, 0(\ptr)
.endif
.endm

; pv_pte_read REG: REG holds an entry as read from a table; make its frame pseudo-physical
; (machine to physical, through the kernel's M2P table). Nothing to do natively.
.macro pv_pte_read reg
.if PARAVIRT
    push \reg
    call xen_m2p_entry
    pop \reg
.endif
.endm
