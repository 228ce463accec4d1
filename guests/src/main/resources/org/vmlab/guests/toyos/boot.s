; boot.s -- from reset to the first process.
;
; The machine starts here in ring 0 with paging off, interrupts masked and every register 0.
; The loader has put the kernel at 0x1000 and the user image at 12 MiB, and Toyos.boot has
; written the workload's name into boot_cmdline.

start:
    li sp, BOOTSTACK
.if PARAVIRT
    mov r1, r2                  ; 0. what the hypervisor's domain builder handed over (r2:
    call xen_start              ;    the start-info page), and the event channels
.endif
    la r1, msg_boot
    call kputs
    call idt_init               ; 1. the interrupt table
    call kvm_init               ; 2. kernel page tables; 3. paging on, with write protection
.if PARAVIRT
    call kvm_pin                ;    (paravirtual: pinned, and paging is on already)
    li r1, KPGDIR
    pv_wrcr3 r1
.else
    li r1, KPGDIR               ;    (so that the kernel's own writes to a copy-on-write page
    pv_wrcr3 r1                 ;    fault too)
    pv_rdcr0 r1
    ori r1, r1, CR0_PG | CR0_WP
    pv_wrcr0 r1
.endif
    la r1, msg_paging
    call kputs
.if SPLIT
    call gnttab_init            ; 4. devices (split: the grant table, then the front ends)
    call blkfront_init
.endif
    call net_init               ; 4. devices
.if PARAVIRT
    call xen_timer_arm          ;    the devices' lines are event channels (xen_start)
.else
    addi r1, r0, 0xF2           ;    unmask timer (0), disk (2), network (3)
    pv_out PIC_MASK, r1
    li r1, TIMER_PERIOD
    pv_out TIMER_PERIOD_PORT, r1
.endif
    jmp userinit                ; 5. the first process: never returns
