; privops.s -- every privileged operation of toyos, as a macro.
;
; The rest of the kernel never writes cli, sti, hlt, iret, lidt, mtcr, mfcr, invlpg, in, out,
; pushf or popf itself. It writes one of the macros below. This is the seam of
; paravirtualization, as in Linux's paravirt-ops: a paravirtual kernel is the same source
; assembled with PARAVIRT=1, where each macro becomes a hypercall to the hypervisor
; instead of an instruction that would trap (or, on the legacy ISA, silently misbehave).
;
; PARAVIRT SEAM: for now both flavors assemble the native instructions. The hypercalls go in
; the `.if PARAVIRT` branches; nothing outside this file needs to change.
;
; Register convention: the macros change only the registers named as their operands.

.ifndef PARAVIRT
PARAVIRT = 0
.endif

; Mask external interrupts.
.macro pv_cli
.if PARAVIRT
    cli                         ; PARAVIRT SEAM: hypercall "virtual IF <- 0"
.else
    cli
.endif
.endm

; Unmask external interrupts.
.macro pv_sti
.if PARAVIRT
    sti                         ; PARAVIRT SEAM: hypercall "virtual IF <- 1, deliver pending"
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
    pushf                       ; PARAVIRT SEAM: hypercall "block until an event"
    sti
    hlt
    popf
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
    pushf                       ; PARAVIRT SEAM: hypercall "save virtual IF, clear it"
    cli
.else
    pushf
    cli
.endif
.endm

.macro pv_irq_restore
.if PARAVIRT
    popf                        ; PARAVIRT SEAM: hypercall "restore virtual IF"
.else
    popf
.endif
.endm

; Power off: hlt with interrupts masked stops the machine.
.macro pv_poweroff
.if PARAVIRT
    cli                         ; PARAVIRT SEAM: hypercall "shut down"
    hlt
.else
    cli
    hlt
.endif
.endm

; Return from a trap: pops pc, FLAGS (ring and IF) and sp.
.macro pv_iret
.if PARAVIRT
    iret                        ; PARAVIRT SEAM: hypercall "return to guest user mode"
.else
    iret
.endif
.endm

; Install the interrupt table whose address is in \reg.
.macro pv_lidt reg
.if PARAVIRT
    lidt \reg                   ; PARAVIRT SEAM: hypercall "register trap table"
.else
    lidt \reg
.endif
.endm

; Control registers.
.macro pv_rdcr0 reg
.if PARAVIRT
    mfcr \reg, cr0              ; PARAVIRT SEAM
.else
    mfcr \reg, cr0
.endif
.endm

.macro pv_wrcr0 reg
.if PARAVIRT
    mtcr cr0, \reg              ; PARAVIRT SEAM
.else
    mtcr cr0, \reg
.endif
.endm

; The faulting address of the last page fault.
.macro pv_rdcr2 reg
.if PARAVIRT
    mfcr \reg, cr2              ; PARAVIRT SEAM: read from the shared info page
.else
    mfcr \reg, cr2
.endif
.endm

; Switch address space (and flush the TLB).
.macro pv_wrcr3 reg
.if PARAVIRT
    mtcr cr3, \reg              ; PARAVIRT SEAM: hypercall "new base pointer" (pinned table)
.else
    mtcr cr3, \reg
.endif
.endm

; The kernel stack the CPU switches to on a trap from user mode.
.macro pv_wrcr4 reg
.if PARAVIRT
    mtcr cr4, \reg              ; PARAVIRT SEAM: hypercall "stack switch"
.else
    mtcr cr4, \reg
.endif
.endm

; Drop the TLB entry of the page holding the address in \reg.
.macro pv_invlpg reg
.if PARAVIRT
    invlpg \reg                 ; PARAVIRT SEAM: hypercall "invalidate page" (batched MMU op)
.else
    invlpg \reg
.endif
.endm

; Port I/O.
.macro pv_in reg, port
.if PARAVIRT
    in \reg, \port              ; PARAVIRT SEAM: split-driver front end instead of a port
.else
    in \reg, \port
.endif
.endm

.macro pv_out port, reg
.if PARAVIRT
    out \port, \reg             ; PARAVIRT SEAM: split-driver front end instead of a port
.else
    out \port, \reg
.endif
.endm
