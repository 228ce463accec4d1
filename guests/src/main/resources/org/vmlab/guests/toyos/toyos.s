; toyos.s -- a small teaching operating system for the vmlab machine.
;
; Assemble this file; it includes the rest. Define PARAVIRT=1 for the paravirtual flavor
; (see privops.s), and with it SPLIT=1 for split drivers (blkfront.s, netfront.s) in place of
; the emulated disk's and NIC's. docs/toyos.md describes the whole system.
;
; Two segments: "kernel" at 0x1000 (code and data, run at their physical addresses, which
; stay identity-mapped after paging is on) and "user" at 12 MiB: every user program, linked
; at the user addresses where exec maps a private copy of them.

    .include "param.s"
    .include "privops.s"
.ifndef SPLIT
SPLIT = 0
.endif
.ifndef MEMHOG
MEMHOG = 0                      ; 1: with the memhog program (consolidation experiment)
.endif
.if SPLIT && PARAVIRT == 0
    .error "split drivers (SPLIT=1) need the paravirtual build (PARAVIRT=1)"
.endif
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
    .include "netcall.s"
.if SPLIT
    .include "blkfront.s"
    .include "netfront.s"
.else
    .include "net.s"
.endif
    .include "console.s"
.if PARAVIRT == 0
    .include "balloon.s"
.endif
    .include "lib.s"
.if PARAVIRT
    .include "xen.s"
.endif
.if SPLIT
    .include "split.s"
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
