; hypercall.s -- how the paravirtual kernel calls the hypervisor (docs/paravirt.md).
;
; Included by the paravirtual build only (PARAVIRT=1), after privops.s, so that every file
; may use these macros.


; hypercall NUMBER: the number in r1, arguments already in r2..r6; the result comes in r1.
.macro hypercall number
    addi r1, r0, \number
    int HYPERCALL_VECTOR
.endm

; mmu_batch NUMBER: r2 = list, r3 = count for mmu_update and mmuext_op: the rest of the arguments, and
; a panic if the hypervisor refuses (the kernel's tables are wrong: a kernel bug).
.macro mmu_batch number
    mov r4, r0
    li r5, DOMID_SELF
    hypercall \number
    cmp r1, r0
    bne xen_refused
.endm
