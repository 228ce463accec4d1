; data.s -- the kernel's variables and messages.

    .align 4
; The boot command line: Toyos.boot writes the workload's name here (NUL-terminated, at most
; 31 characters). Empty or "all" runs the default set of concurrent processes.
boot_cmdline:
    .space 32
current:    .word 0             ; the running process's slot
nextpid:    .word 1
freelist:   .word 0             ; free frames, linked through their first word
.if PARAVIRT
bumpnext:   .word M2P + 4 * M2P_ENTRIES ; the next never-used frame, after the M2P table
.else
bumpnext:   .word FRAMES_START  ; the next never-used frame
.endif
ticks:      .word 0             ; timer interrupts so far
balloon_count: .word 0          ; frames the balloon holds (balloon.s)
stat_switches: .word 0          ; context switches
stat_demand: .word 0            ; pages allocated on demand
stat_cow:   .word 0             ; pages copied on write
disk_busy:  .word 0
disk_done:  .word 0
disk_status: .word 0
tx_tail:    .word 0
rx_next:    .word 0
execname:   .space 32

    .align 4
proctab:
    .space NPROC * PSIZE
proctab_end:

; The built-in programs exec knows: name, entry point (in the user image).
    .align 4
progtab:
    .word str_init, u_init
    .word str_compute, u_compute
    .word str_syscall, u_syscall
    .word str_pagefault, u_pagefault
    .word str_ctxswitch, u_ctxswitch
    .word str_forkwait, u_forkwait
    .word str_disk, u_disk
    .word str_net, u_net
    .word str_fault, u_fault
    .word str_hello, u_hello
    .word str_lat_null, u_lat_null
    .word str_lat_fork, u_lat_fork
    .word str_lat_exec, u_lat_exec
    .word str_lat_pagefault, u_lat_pagefault
    .word str_lat_ctx, u_lat_ctx
    .word str_lat_sbrk, u_lat_sbrk
    .word str_lat_disk, u_lat_disk
    .word str_lat_net, u_lat_net
    .word str_true, u_true
.if MEMHOG
    .word str_memhog, u_memhog
.endif
    .word 0, 0

str_init:       .asciz "init"
str_compute:    .asciz "compute"
str_syscall:    .asciz "syscall"
str_pagefault:  .asciz "pagefault"
str_ctxswitch:  .asciz "ctxswitch"
str_forkwait:   .asciz "forkwait"
str_disk:       .asciz "disk"
str_net:        .asciz "net"
str_fault:      .asciz "fault"
str_hello:      .asciz "hello"
str_lat_null:   .asciz "lat_null"
str_lat_fork:   .asciz "lat_fork"
str_lat_exec:   .asciz "lat_exec"
str_lat_pagefault: .asciz "lat_pagefault"
str_lat_ctx:    .asciz "lat_ctx"
str_lat_sbrk:   .asciz "lat_sbrk"
str_lat_disk:   .asciz "lat_disk"
str_lat_net:    .asciz "lat_net"
str_true:       .asciz "true"
.if MEMHOG
str_memhog:     .asciz "memhog"
.endif

msg_boot:       .asciz "toyos: boot\n"
msg_paging:     .asciz "toyos: paging on\n"
msg_poweroff:   .asciz "toyos: no processes left, power off\n"
msg_panic:      .asciz "toyos: panic: "
msg_oom:        .asciz "out of memory"
msg_zombie:     .asciz "a dead process ran"
msg_halt:       .asciz "halting"
msg_nl:         .asciz "\n"

.if PARAVIRT
; What the hypervisor handed over at boot (xen.s), and the buffers of hypercall arguments.
    .align 4
xen_start_info: .word 0
hypervisor_shared_info: .word 0 ; the shared-info page (Linux's HYPERVISOR_shared_info)
xen_mfn_list: .word 0           ; the frame list: machine frame of each pseudo-physical frame
xen_nr_pages: .word 0
port_timer: .word 0             ; event channels: VIRQ_TIMER, the disk's and the network's lines
port_disk:  .word 0
port_net:   .word 0
xen_shutdown_reason: .word 0
xen_evtchn_arg: .space 12
xen_mmu_req: .space 8
xen_mmuext_req: .space 12
xen_mmuext_batch: .space 12 * 6
xen_trap_list: .space 8 * 257
.if SPLIT
; The split front ends' own ring indices (the shared ones are in the ring pages).
blk_sectors: .word 0            ; the disk's capacity, as device_connect gave it
blk_req_prod: .word 0           ; the next request's index
blk_rsp_cons: .word 0           ; the next response to consume
net_tx_prod: .word 0
net_tx_cons: .word 0            ; transmits done: their slots are free
net_rx_prod: .word 0            ; receive pages offered
net_rx_cons: .word 0
split_arg: .space 20            ; grant_table_op's and device_connect's arguments
split_send_arg: .space 4        ; event_channel_op(send)'s
.endif
.endif

; The interrupt table: 256 gates, filled by idt_init.
    .align 4096
idt:
    .space 1024
