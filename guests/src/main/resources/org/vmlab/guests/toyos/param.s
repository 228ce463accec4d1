; param.s -- the constants of toyos: memory layout, devices, process and trap-frame layout.
;
; Physical memory (16 MiB):
;
;   0x0000_0000  page 0: never mapped, so a null pointer faults
;   0x0000_1000  kernel image: code and data (segment "kernel")
;   0x0008_0000  kernel page directory and the shared kernel page tables
;   0x0008_6000  page reference counts, one byte per physical frame
;   0x000A_0000  kernel stacks, one 4 KiB stack per process slot
;   0x000B_0000  boot stack (until the first process runs)
;   0x000C_0000  DMA buffers: disk bounce buffer, NIC rings and frame buffers
;   0x000E_0000  the frames the balloon holds, by address (balloon.s; native kernel only)
;   0x0010_0000  free frames (page tables, user pages), handed out by kalloc
;   0x00C0_0000  the user image (segment "user"): every built-in user program
;
; Virtual memory of every process:
;
;   0x0000_0000 .. 0x00BF_FFFF  kernel: identity map of physical 0..12 MiB, supervisor only
;   0x00C0_0000 .. 0x01FF_FFFF  user: image copy, heap (sbrk), stack; PDEs 3..7, private
;   0xF000_0000                 the NIC's registers (MMIO), supervisor only
;   0xFFC0_0000 .. 0xFFFF_FFFF  read-only window on physical 12..16 MiB (the user image as
;                               loaded), from which exec copies programs; supervisor only

PAGE        = 4096

; --- physical layout -----------------------------------------------------------------------
KPGDIR      = 0x00080000        ; kernel page directory (cr3 at boot and for dead processes)
KPT0        = 0x00081000        ; 3 page tables: identity map of 0..12 MiB
NICPT       = 0x00084000        ; page table for the NIC's MMIO window
IMGPT       = 0x00085000        ; page table for the user-image window
REFCNT      = 0x00086000        ; 4096 one-byte reference counts (frame number -> count)
KSTACKS     = 0x000A0000        ; NPROC kernel stacks of PAGE bytes
BOOTSTACK   = 0x000B1000        ; top of the boot stack
DISKBUF     = 0x000C0000        ; disk bounce buffer, 8 sectors
NIC_TXRING  = 0x000C1000        ; 16 transmit descriptors
NIC_RXRING  = 0x000C1100        ; 16 receive descriptors
NIC_TXBUF   = 0x000C8000        ; 16 transmit buffers of 2 KiB
NIC_RXBUF   = 0x000D0000        ; 16 receive buffers of 2 KiB
BALLOON_FRAMES = 0x000E0000     ; the balloon's list: BALLOON_MAX words (balloon.s)
FRAMES_START = 0x00100000       ; first frame kalloc hands out
FRAMES_END  = 0x00C00000        ; one past the last
UIMG_PHYS   = 0x00C00000        ; where the loader puts the user image

; --- virtual layout ------------------------------------------------------------------------
USER_BASE   = 0x00C00000        ; lowest user address
USER_TOP    = 0x02000000        ; one past the highest user address
USTACK_TOP  = 0x02000000        ; initial user sp
USTACK_BOTTOM = 0x01F00000      ; the stack may grow (on demand) down to here: 1 MiB
HEAP_LIMIT  = 0x01E00000        ; sbrk refuses to grow the heap beyond this
USER_PDE_FIRST = 3              ; page-directory entries owned by the process: 3..7
USER_PDE_END = 8
WINDOW_OFF  = 0xFF000000        ; user-image window: virtual = physical + WINDOW_OFF
NIC_VA      = 0xF0000000        ; the NIC's registers, mapped at their physical address

; --- page-table entry bits (x86 layout) ------------------------------------------------------
PTE_P       = 1
PTE_W       = 2
PTE_U       = 4
PTE_A       = 32
PTE_D       = 64
PTE_COW     = 0x200             ; software bit: a read-only page shared by fork, copy on write

; --- FLAGS and trap error codes ----------------------------------------------------------------
FLAG_IF     = 0x200
FLAG_CPL    = 0x3000
USER_FLAGS  = 0x3200            ; CPL 3, interrupts enabled: the FLAGS a process starts with
CR0_PG      = 1
CR0_WP      = 2
PF_P        = 1
PF_W        = 2
PF_U        = 4

; --- devices (docs/devices.md) -------------------------------------------------------------------
PIC_CMD     = 0x20              ; write 0x20: end of interrupt
PIC_MASK    = 0x21
PIC_EOI     = 0x20
TIMER_PERIOD_PORT = 0x40
TIMER_PERIOD = 10000            ; ticks between timer interrupts (the scheduling quantum)
COM1        = 0x3F8
DISK_SECTOR = 0x1F0
DISK_COUNT  = 0x1F1
DISK_DMA    = 0x1F2
DISK_CMD    = 0x1F3
DISK_STATUS = 0x1F4
BALLOON_TARGET = 0x5C0          ; the memory balloon (balloon.s; docs/devices.md)
BALLOON_INFLATE = 0x5C1
BALLOON_DEFLATE = 0x5C2
BALLOON_SIZE = 0x5C3
BALLOON_STATUS = 0x5C4
BALLOON_POLL_TICKS = 8          ; poll the target every 8 timer ticks (a power of two)
BALLOON_RESERVE = 64            ; never-used frames the balloon leaves to the kernel
BALLOON_MAX = (FRAMES_END - FRAMES_START) / PAGE ; the most frames the balloon holds
DISK_READ   = 1
DISK_WRITE  = 2
DISK_MAXSECT = 8                ; the bounce buffer holds 8 sectors
NIC_TX_BASE = 0x00
NIC_TX_SIZE = 0x04
NIC_TX_HEAD = 0x08
NIC_TX_TAIL = 0x0C
NIC_RX_BASE = 0x10
NIC_RX_SIZE = 0x14
NIC_RX_HEAD = 0x18
NIC_RX_TAIL = 0x1C
NIC_ICR     = 0x20
NIC_IMS     = 0x24
NIC_RING    = 16                ; descriptors per ring
NIC_BUFSZ   = 2048
NIC_MAXFRAME = 1514

; --- interrupt vectors -------------------------------------------------------------------------
T_DE        = 0
T_UD        = 6
T_DF        = 8
T_GP        = 13
T_PF        = 14
T_AC        = 17
T_IRQ0      = 32                ; timer
T_IRQ1      = 33                ; console
T_IRQ2      = 34                ; disk
T_IRQ3      = 35                ; network
T_SYSCALL   = 0x80

; --- the trap frame ------------------------------------------------------------------------------
; What the CPU pushes (err, pc, FLAGS, sp) plus what alltraps pushes, from the frame's base (sp):
TF_VEC      = 0                 ; vector number
TF_R2       = 4                 ; r2 .. r13 at 4 .. 48
TF_R3       = 8
TF_R4       = 12
TF_R15      = 52
TF_R1       = 56                ; pushed first, by the vector stub
TF_ERR      = 60                ; pushed by the CPU: error code
TF_PC       = 64                ;                    return pc
TF_FLAGS    = 68                ;                    FLAGS of the interrupted code
TF_SP       = 72                ;                    sp of the interrupted code
TF_SIZE     = 76

; --- processes ------------------------------------------------------------------------------------
NPROC       = 8
PSIZE       = 64                ; bytes per process slot (a power of two: slot = offset >> 6)
P_STATE     = 0
P_PID       = 4
P_PARENT    = 8                 ; address of the parent's slot, 0 for init and orphans
P_PGDIR     = 12                ; physical address of the page directory (loaded into cr3)
P_KSP       = 16                ; saved kernel sp while switched out (see swtch)
P_BRK       = 20                ; end of the heap (sbrk)
P_XSTATE    = 24                ; exit status, for wait
P_CHAN      = 28                ; what a sleeping process waits for
P_HEAP      = 32                ; start of the heap
P_KSTACK    = 36                ; top of the kernel stack (loaded into cr4 while running)

UNUSED      = 0
EMBRYO      = 1
RUNNABLE    = 2
SLEEPING    = 3
ZOMBIE      = 4

; --- system calls ----------------------------------------------------------------------------------
SYS_EXIT    = 1
SYS_WRITE   = 2
SYS_GETPID  = 3
SYS_YIELD   = 4
SYS_WAIT    = 5
SYS_SBRK    = 6
SYS_FORK    = 7
SYS_EXEC    = 8
SYS_DREAD   = 9
SYS_DWRITE  = 10
SYS_NSEND   = 11
SYS_NRECV   = 12
SYS_GETARG  = 13
NSYSCALLS   = 14

; --- the paravirtual interface (docs/paravirt.md; used by the PARAVIRT=1 build only) --------
HYPERCALL_VECTOR = 0x82         ; int 0x82, as 32-bit Xen's TRAP_INSTR
HYPERVISOR_set_trap_table = 0
HYPERVISOR_mmu_update = 1
HYPERVISOR_stack_switch = 3
HYPERVISOR_set_callbacks = 4
HYPERVISOR_update_va_mapping = 14
HYPERVISOR_set_timer_op = 15
HYPERVISOR_xen_version = 17
HYPERVISOR_console_io = 18
HYPERVISOR_iret = 23
HYPERVISOR_mmuext_op = 26
HYPERVISOR_sched_op = 29
HYPERVISOR_event_channel_op = 32
DOMID_SELF  = 0x7FF0
CONSOLEIO_write = 0
SCHEDOP_block = 1
SCHEDOP_shutdown = 2
SHUTDOWN_poweroff = 0
SHUTDOWN_crash = 3
UVMF_INVLPG = 2
MMUEXT_PIN_L1_TABLE = 0
MMUEXT_PIN_L2_TABLE = 1
MMUEXT_UNPIN_TABLE = 4
MMUEXT_NEW_BASEPTR = 5
MMUEXT_INVLPG_LOCAL = 7
EVTCHNOP_bind_virq = 1
EVTCHNOP_bind_pirq = 2
EVTCHNOP_unmask = 9
VIRQ_TIMER  = 0
TI_MASK_EVENTS = 0x400          ; trap_info flags: events masked on entry (Xen's TI_GET_IF)
TI_FAST_TRAP = 0x800            ; and a fast trap, entered from user mode with no exit
; The start-info page (its address in r2 at entry) and the shared-info page, byte offsets.
XEN_MAGIC   = 0x336E6578        ; "xen3"
SI_MAGIC    = 0
SI_NR_PAGES = 4
SI_SHARED_INFO = 8
SI_MFN_LIST = 40
SH_UPCALL_PENDING = 0
SH_UPCALL_MASK = 4
SH_CR2      = 8
SH_TIME_LO  = 12
SH_TIME_HI  = 16
SH_PENDING  = 64
SH_MASKED   = 68
; The kernel's own machine-to-physical table (Xen maps a global one into every guest; toyos
; builds the part it needs from its frame list): M2P + 4 * machine frame = pseudo-physical frame.
; It takes the first 256 KiB of the free frames, so kalloc starts after it.
M2P         = FRAMES_START
M2P_ENTRIES = 65536             ; machine frames 0 .. 65535 (a machine of up to 256 MiB)
T_UPCALL    = 48                ; the vector number alltraps records for an event upcall

; --- split drivers (SPLIT=1, paravirtual build only; docs/toyos.md "Split drivers") --------
; The front ends share pages with back ends in domain 0 through grants; they reuse the DMA area,
; which the emulated disk and NIC no longer need. The disk's bounce buffer stays at DISKBUF.
HYPERVISOR_grant_table_op = 20
HYPERVISOR_device_connect = 48
GNTTABOP_setup_table = 2
EVTCHNOP_send = 4
EVTCHNOP_alloc_unbound = 6
GTF_permit_access = 1           ; grant entry flags (word 0 bits 15..0; domid 0 in bits 31..16)
GTF_readonly = 4
GNTTAB      = 0x000C1000        ; the grant table: 512 entries of 8 bytes (flags | domid, frame)
BLK_RING    = 0x000C2000        ; the block ring
NET_TXRING  = 0x000C3000        ; the network's transmit ring
NET_RXRING  = 0x000C4000        ; and its receive ring
NET_TXPAGES = 0x000C8000        ; 16 transmit buffers of 2 KiB, two to a granted page
NET_RXPAGES = 0x000D0000        ; 16 receive buffers of a whole page each
GREF_BLK_RING = 8               ; grant references (0..7 are reserved)
GREF_DISKBUF = 9
GREF_NET_TXRING = 10
GREF_NET_RXRING = 11
GREF_NET_TXBUF = 12             ; 12..19: the transmit pages
GREF_NET_RXBUF = 20             ; 20..35: the receive pages
; A shared ring (io/ring.h): four indices, then the slots from byte 64.
RING_REQ_PROD = 0
RING_REQ_EVENT = 4
RING_RSP_PROD = 8
RING_RSP_EVENT = 12
RING_SLOTS  = 64
BLK_RING_SIZE = 64              ; the most 48-byte slots a page holds, as a power of two
BLK_SLOT    = 48
BLKIF_OP_READ = 0
BLKIF_OP_WRITE = 1
VBD_TYPE    = 0                 ; device_connect's types
VIF_TYPE    = 1
.ifndef NET_RING_SIZE
NET_RING_SIZE = 16              ; both network rings: one receive page per slot (2, 4, 8 or 16)
.endif
.if NET_RING_SIZE != 2 && NET_RING_SIZE != 4 && NET_RING_SIZE != 8 && NET_RING_SIZE != 16
    .error "NET_RING_SIZE must be 2, 4, 8 or 16: a power of two, one receive page per slot"
.endif
.ifndef SPLIT_NOTIFY_ALWAYS
SPLIT_NOTIFY_ALWAYS = 0         ; 1: notify the back end at every push, whatever it asked
.endif
NET_SLOT    = 16
NET_TXBUFSZ = 2048
