; toyos.s -- a small teaching operating system for the vmlab machine.
;
; Assemble this file; it includes the rest. Define PARAVIRT=1 for the paravirtual flavor
; (see privops.s). docs/toyos.md describes the whole system.
;
; Two segments: "kernel" at 0x1000 (code and data, run at their physical addresses, which
; stay identity-mapped after paging is on) and "user" at 12 MiB: every user program, linked
; at the user addresses where exec maps a private copy of them.

    .include "param.s"
    .include "privops.s"
.if PARAVIRT
    .include "hypercall.s"
.endif

    .segment kernel, 0x1000
    .entry start
    .include "boot.s"
    .include "trap.s"
    .include "vm.s"
    .include "proc.s"
    .include "syscall.s"
    .include "disk.s"
    .include "net.s"
    .include "console.s"
    .include "lib.s"
.if PARAVIRT
    .include "xen.s"
.endif
    .include "data.s"
kernel_end:
.if kernel_end > KPGDIR
    .error "the kernel has grown into its page tables: move KPGDIR and what follows (param.s)"
.endif

    .segment user, UIMG_PHYS
uimg_start:
    .include "user_lib.s"
    .include "user_init.s"
    .include "user_workloads.s"
    .align 4096
uimg_end:
.if uimg_end > USER_BASE + 0x00100000
    .error "the user image is over 1 MiB: the heap would start too late"
.endif
