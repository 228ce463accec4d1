; standalone.s -- the common boot of the standalone guest kernels: the nanobenchmarks
; (nanobench/) and the hostile guests (attacks/). docs/guests-bench.md describes them.
;
; Not toyos: just enough kernel to bring the machine from reset to where one experiment runs,
; so that what a run costs is the experiment and little else. This file starts segment
; "kernel" at KERNEL_BASE with the entry point `start`, which sets the kernel stack (sp and
; cr4), fills and loads the interrupt table, and jumps to `main` in ring 0 with paging off and
; interrupts masked. `paging_on` builds the page tables below and turns paging on; `enter_user`
; drops to ring 3.
;
; The including program defines `main` and `finish` (where a user-mode `int T_EXIT` lands).
; Every exception it does not handle itself prints "unexpected trap ..." and powers off.
;
; Physical memory (inside the 16 MiB of toyos's layout):
;
;   0x0000_0000  page 0: never mapped
;   0x0000_1000  KERNEL_BASE: this code, then the program's kernel code and data
;   0x0007_E000  IDT_BASE: the interrupt table (256 gates)
;   0x0007_F000  the kernel stack, one page; its top KSTACK_TOP is also cr4
;   0x0008_0000  PGDIR: the page directory
;   0x0008_1000  PT_LOW: page table of 0..4 MiB: identity map, supervisor only, page 0 absent
;   0x0008_2000  PT_USER: page table of 4..8 MiB: USER_PAGES user pages, nothing else
;   0x0040_0000  USER_BASE: segment "user" and the user stack, identity-mapped, ring 3
;
; Virtual memory with paging on: 0..4 MiB as physical (kernel), 4 MiB.. USER_PAGES pages for
; ring 3 (the stack grows down from USER_STACK_TOP); everything else absent until a program
; maps it.

KERNEL_BASE = 0x00001000
IDT_BASE    = 0x0007E000
KSTACK_TOP  = 0x00080000
PGDIR       = 0x00080000
PT_LOW      = 0x00081000
PT_USER     = 0x00082000
USER_BASE   = 0x00400000
USER_PAGES  = 16
USER_STACK_TOP = USER_BASE + USER_PAGES * 4096

PAGE        = 4096
PTE_P       = 1
PTE_W       = 2
PTE_U       = 4
CR0_PG      = 1
CR0_WP      = 2
USER_FLAGS  = 0x3000            ; CPL 3, interrupts masked: nothing may disturb a measurement

T_DE        = 0
T_UD        = 6
T_DF        = 8
T_GP        = 13
T_PF        = 14
T_AC        = 17
T_SYSCALL   = 0x80              ; gates with DPL 3: user mode may `int` them
T_EXIT      = 0x81              ; user mode is done: lands at `finish`, in ring 0

COM1        = 0x3F8
PIC_MASK    = 0x21

; set_gate VECTOR, HANDLER, DPL: point gate VECTOR at HANDLER (clobbers r1, r2). The DPL is
; the outermost ring that may reach the gate with `int`.
.macro set_gate vector, handler, dpl
    la r1, \handler + \dpl
    li r2, IDT_BASE
    sw r1, \vector * 4(r2)
.endm

; poweroff: hlt with interrupts masked stops the machine.
.macro poweroff
    cli
    hlt
.endm

    .segment kernel, KERNEL_BASE
    .entry start

start:
    li sp, KSTACK_TOP
    mtcr cr4, sp                ; the stack a trap from ring 3 switches to
    call idt_init
    jmp main

; idt_init(): every gate absent, the exceptions fatal, T_EXIT to `finish`; load IDTR.
idt_init:
    li r1, IDT_BASE
    addi r2, r1, 256 * 4
idt_clear:
    sw r0, 0(r1)
    addi r1, r1, 4
    cmp r1, r2
    bne idt_clear
    set_gate T_DE, fatal_de, 0
    set_gate T_UD, fatal_ud, 0
    set_gate T_DF, fatal_df, 0
    set_gate T_GP, fatal_gp, 0
    set_gate T_PF, fatal_pf, 0
    set_gate T_AC, fatal_ac, 0
    set_gate T_EXIT, finish, 3
    li r1, IDT_BASE
    lidt r1
    ret

; paging_on(): build PGDIR, PT_LOW and PT_USER as described above; cr3 <- PGDIR; paging and
; write protection on. Clobbers r1..r4.
paging_on:
    li r1, PGDIR
    call zero_page
    li r1, PT_USER
    call zero_page
    li r1, PT_LOW               ; PT_LOW[i] = i * PAGE | P | W for i = 1..1023
    sw r0, 0(r1)
    addi r2, r0, PAGE | PTE_P | PTE_W
    li r3, 0x00400000
paging_low:
    addi r1, r1, 4
    sw r2, 0(r1)
    addi r2, r2, PAGE
    cmp r2, r3
    bltu paging_low
    li r1, PT_USER              ; PT_USER[i] = USER_BASE + i * PAGE | P | W | U
    li r2, USER_BASE | PTE_P | PTE_W | PTE_U
    li r3, USER_STACK_TOP
paging_user:
    sw r2, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r2, r3
    bltu paging_user
    li r1, PGDIR
    li r2, PT_LOW | PTE_P | PTE_W
    sw r2, 0(r1)
    li r2, PT_USER | PTE_P | PTE_W | PTE_U
    sw r2, 4(r1)
    mtcr cr3, r1
    mfcr r1, cr0
    ori r1, r1, CR0_PG | CR0_WP
    mtcr cr0, r1
    ret

; zero_page(r1 = a page-aligned address). Clobbers r1, r2.
zero_page:
    addi r2, r1, PAGE
zero_page_loop:
    sw r0, 0(r1)
    addi r1, r1, 4
    cmp r1, r2
    bne zero_page_loop
    ret

; enter_user(r1 = entry): continue in ring 3 at r1 with sp = USER_STACK_TOP, as a return from
; a trap would. Other registers pass through unchanged.
enter_user:
    li r2, USER_STACK_TOP
    push r2                     ; iret pops pc, FLAGS, sp
    li r2, USER_FLAGS
    push r2
    push r1
    iret

; kputs(r1 = NUL-terminated string): print it. Clobbers r1, r2.
kputs:
    lbu r2, 0(r1)
    cmp r2, r0
    beq kputs_done
    out COM1, r2
    addi r1, r1, 1
    jmp kputs
kputs_done:
    ret

; kputhex(r1 = value): print 0x and eight hex digits. Clobbers r1..r4.
kputhex:
    mov r3, r1
    addi r2, r0, '0'
    out COM1, r2
    addi r2, r0, 'x'
    out COM1, r2
    addi r4, r0, 28
kputhex_loop:
    shr r2, r3, r4
    andi r2, r2, 15
    cmpi r2, 10
    blt kputhex_digit
    addi r2, r2, 'a' - '0' - 10
kputhex_digit:
    addi r2, r2, '0'
    out COM1, r2
    addi r4, r4, -4
    cmp r4, r0
    bge kputhex_loop
    ret

; The exceptions a program does not handle: "unexpected trap V at pc P, error E", power off.
fatal_de:
    addi r5, r0, T_DE
    jmp fatal
fatal_ud:
    addi r5, r0, T_UD
    jmp fatal
fatal_df:
    addi r5, r0, T_DF
    jmp fatal
fatal_gp:
    addi r5, r0, T_GP
    jmp fatal
fatal_pf:
    addi r5, r0, T_PF
    jmp fatal
fatal_ac:
    addi r5, r0, T_AC
fatal:
    la r1, msg_unexpected
    call kputs
    mov r1, r5
    call kputhex
    la r1, msg_at_pc
    call kputs
    lw r1, 4(sp)
    call kputhex
    la r1, msg_error
    call kputs
    lw r1, 0(sp)
    call kputhex
    addi r1, r0, '\n'
    out COM1, r1
    poweroff

msg_unexpected: .asciz "unexpected trap "
msg_at_pc:      .asciz " at pc "
msg_error:      .asciz ", error "
    .align 4
