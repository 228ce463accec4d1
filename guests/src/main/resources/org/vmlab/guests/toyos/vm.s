; vm.s -- physical frames and page tables.
;
; Frames. kalloc hands out 4 KiB frames from [FRAMES_START, FRAMES_END): first the frames
; freed earlier (a free list threaded through the free frames themselves), then fresh ones (a
; bump pointer). Every frame has a one-byte reference count at REFCNT + frame number: a page
; shared by fork is mapped by several processes and is freed when the last one lets go.
; The kernel reaches every frame at its physical address, because physical 0..12 MiB is
; identity-mapped (supervisor-only) in every address space.
;
; Address spaces. A page directory (one frame) whose kernel entries (PDEs 0..2, the NIC's 960
; and the image window's 1023) point at the shared kernel page tables built at boot, and whose
; user entries (PDEs 3..7) point at page tables of the process's own.

; kalloc() -> r1 = a zeroed frame with reference count 1. Panics when memory runs out.
kalloc:
    la r2, freelist
    lw r1, 0(r2)
    cmp r1, r0
    beq kalloc_fresh
    lw r3, 0(r1)                ; pop the free list
    sw r3, 0(r2)
    jmp kalloc_got
kalloc_fresh:
    la r2, bumpnext
    lw r1, 0(r2)
    li r3, FRAMES_END
    cmp r1, r3
    bgeu kalloc_oom
    addi r3, r1, PAGE
    sw r3, 0(r2)
kalloc_got:
    shri r2, r1, 12
    li r3, REFCNT
    add r3, r3, r2
    addi r4, r0, 1
    sb r4, 0(r3)
    push r1
    call memzero_page
    pop r1
    ret
kalloc_oom:
    la r1, msg_oom
    jmp panic

; kfree(r1 = frame): drop one reference; the last one puts the frame on the free list.
kfree:
    shri r2, r1, 12
    li r3, REFCNT
    add r3, r3, r2
    lbu r4, 0(r3)
    addi r4, r4, -1
    sb r4, 0(r3)
    cmp r4, r0
    bne kfree_done
    la r2, freelist
    lw r3, 0(r2)
    sw r3, 0(r1)
    sw r1, 0(r2)
kfree_done:
    ret

; kref(r1 = frame): one more reference (fork sharing a page).
kref:
    shri r2, r1, 12
    li r3, REFCNT
    add r3, r3, r2
    lbu r4, 0(r3)
    addi r4, r4, 1
    sb r4, 0(r3)
    ret

; refcount(r1 = frame) -> r1 = its reference count
refcount:
    shri r2, r1, 12
    li r3, REFCNT
    add r3, r3, r2
    lbu r1, 0(r3)
    ret

; walk(r1 = page directory, r2 = va, r3 = allocate?) -> r1 = address of the PTE for va, or 0
; if its page table is missing and r3 = 0. A new page table is user-accessible and writable
; at the directory level; the PTEs decide the real permissions.
walk:
    shri r4, r2, 22
    shli r4, r4, 2
    add r4, r1, r4              ; r4 = &pde
    lw r5, 0(r4)
    pv_pte_read r5
    andi r6, r5, PTE_P
    cmp r6, r0
    bne walk_have
    cmp r3, r0
    beq walk_none
    push r2
    push r4
    call kalloc
.if PARAVIRT
    addi r2, r0, MMUEXT_PIN_L1_TABLE
    call xen_new_table          ; read-only in the direct map, pinned as a page table
.endif
    pop r4
    pop r2
    ori r5, r1, PTE_P | PTE_W | PTE_U
    pv_set_pte r4, r5
walk_have:
    shri r5, r5, 12             ; the page table's frame
    shli r5, r5, 12
    shri r6, r2, 12
    andi r6, r6, 1023
    shli r6, r6, 2
    add r1, r5, r6
    ret
walk_none:
    mov r1, r0
    ret

; mappage(r1 = page directory, r2 = va, r3 = PTE value: frame | flags)
mappage:
    push r3
    addi r3, r0, 1
    call walk
    pop r3
    pv_set_pte r1, r3
    ret

; kvm_init(): build the kernel page directory and the page tables every process shares.
.if PARAVIRT
; The paravirtual kernel's tables hold machine frames (xen_mfn translates through the frame
; list), and map the frames of these tables read-only: they are pinned next (kvm_pin), and a
; pinned frame may have no writable mapping. They are not pinned yet, so plain stores build them.
kvm_init:
    li r1, KPT0
    sw r0, 0(r1)                ; page 0 left out
    addi r1, r1, 4
    li r2, PAGE                 ; the pseudo-physical address mapped
    li r3, KPT0 + 3 * PAGE
kvm_ident:
    call kvm_entry
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r1, r3
    bne kvm_ident
    li r1, IMGPT                ; the user-image window: pseudo-physical 12..16 MiB, read-only
    li r2, UIMG_PHYS
    li r3, IMGPT + PAGE
kvm_window:
    push r1
    mov r1, r2
    call xen_mfn
    ori r4, r1, PTE_P
    pop r1
    sw r4, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r1, r3
    bne kvm_window
    li r1, NICPT                ; the NIC's registers: a device window, no frame of ours
    li r2, NIC_VA | PTE_P | PTE_W
    sw r2, 0(r1)
    li r4, KPGDIR               ; the directory
    li r1, KPT0
    call kvm_pde
    sw r1, 0(r4)
    li r1, KPT0 + PAGE
    call kvm_pde
    sw r1, 4(r4)
    li r1, KPT0 + 2 * PAGE
    call kvm_pde
    sw r1, 8(r4)
    li r1, NICPT
    call kvm_pde
    sw r1, 3840(r4)
    li r1, IMGPT
    call kvm_pde
    sw r1, 4092(r4)
    ret

; kvm_entry(r1 = where, r2 = pseudo-physical address): the direct map's entry for it, read-only
; for the kernel's own page tables (KPGDIR .. IMGPT).
kvm_entry:
    push r1
    mov r1, r2
    call xen_mfn
    li r4, KPGDIR
    cmp r2, r4
    bltu kvm_entry_rw
    li r4, REFCNT
    cmp r2, r4
    bgeu kvm_entry_rw
    ori r4, r1, PTE_P
    jmp kvm_entry_store
kvm_entry_rw:
    ori r4, r1, PTE_P | PTE_W
kvm_entry_store:
    pop r1
    sw r4, 0(r1)
    ret

; kvm_pde(r1 = a page table) -> r1 = a directory entry for it
kvm_pde:
    call xen_mfn
    ori r1, r1, PTE_P | PTE_W
    ret

; kvm_pin(): pin the kernel's page tables, then its directory, in one mmuext_op batch.
kvm_pin:
    la r5, kvm_pin_list
    la r6, xen_mmuext_batch
    mov r7, r0                  ; how many operations
kvm_pin_next:
    lw r1, 4(r5)                ; the frame
    cmp r1, r0
    beq kvm_pin_go
    call xen_mfn
    shri r1, r1, 12
    lw r2, 0(r5)
    sw r2, 0(r6)                ; cmd
    sw r1, 4(r6)                ; arg1: the machine frame
    sw r0, 8(r6)
    addi r5, r5, 8
    addi r6, r6, 12
    addi r7, r7, 1
    jmp kvm_pin_next
kvm_pin_go:
    la r2, xen_mmuext_batch
    mov r3, r7
    mmu_batch HYPERVISOR_mmuext_op
    ret

; What kvm_pin pins, in order (a table before the directory that points at it); frame 0 ends.
kvm_pin_list:
    .word MMUEXT_PIN_L1_TABLE, KPT0
    .word MMUEXT_PIN_L1_TABLE, KPT0 + PAGE
    .word MMUEXT_PIN_L1_TABLE, KPT0 + 2 * PAGE
    .word MMUEXT_PIN_L1_TABLE, NICPT
    .word MMUEXT_PIN_L1_TABLE, IMGPT
    .word MMUEXT_PIN_L2_TABLE, KPGDIR
    .word 0, 0
.else
kvm_init:
    ; identity map 0..12 MiB, page 0 left out: three page tables, 3072 entries
    li r1, KPT0
    addi r2, r0, PTE_P | PTE_W  ; entry for frame 0 would be 0x3; we store 0 for page 0
    li r3, KPT0 + 3 * PAGE
    sw r0, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
kvm_ident:
    sw r2, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r1, r3
    bne kvm_ident
    ; the user-image window: physical 12..16 MiB, read-only
    li r1, IMGPT
    li r2, UIMG_PHYS | PTE_P
    li r3, IMGPT + PAGE
kvm_window:
    sw r2, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r1, r3
    bne kvm_window
    ; the NIC's 4 KiB register window
    li r1, NICPT
    li r2, NIC_VA | PTE_P | PTE_W
    sw r2, 0(r1)
    ; the directory
    li r1, KPGDIR
    li r2, KPT0 | PTE_P | PTE_W
    sw r2, 0(r1)
    li r2, KPT0 + PAGE | PTE_P | PTE_W
    sw r2, 4(r1)
    li r2, KPT0 + 2 * PAGE | PTE_P | PTE_W
    sw r2, 8(r1)
    li r2, NICPT | PTE_P | PTE_W
    sw r2, 3840(r1)
    li r2, IMGPT | PTE_P | PTE_W
    sw r2, 4092(r1)
    ret

.endif

; uvm_new() -> r1 = a new page directory holding only the kernel's entries
uvm_new:
    call kalloc
    li r2, KPGDIR
    lw r3, 0(r2)
    sw r3, 0(r1)
    lw r3, 4(r2)
    sw r3, 4(r1)
    lw r3, 8(r2)
    sw r3, 8(r1)
    lw r3, 3840(r2)
    sw r3, 3840(r1)
    lw r3, 4092(r2)
    sw r3, 4092(r1)
.if PARAVIRT
    addi r2, r0, MMUEXT_PIN_L2_TABLE
    call xen_new_table          ; read-only in the direct map, pinned as a directory
.endif
    ret

; uvm_load_image(r1 = page directory): give the address space a private, writable copy of
; the user image (every built-in program, like a multi-call binary), page by page, read
; through the window.
uvm_load_image:
    push r8
    push r9
    push r10
    mov r8, r1
    la r9, uimg_start
    la r10, uimg_end
uvm_load_loop:
    cmp r9, r10
    bgeu uvm_load_done
    call kalloc
    push r1
    li r2, WINDOW_OFF
    add r2, r9, r2
    call memcpy_page
    pop r3
    ori r3, r3, PTE_P | PTE_W | PTE_U
    mov r1, r8
    mov r2, r9
    call mappage
    addi r9, r9, PAGE
    jmp uvm_load_loop
uvm_load_done:
    pop r10
    pop r9
    pop r8
    ret

; uvm_free(r1 = page directory): drop every user page, the user page tables and the
; directory. The caller must not be running on this directory (load cr3 first).
uvm_free:
    push r8
    push r9
    push r10
    push r11
    mov r8, r1
.if PARAVIRT
    mov r2, r8                  ; the directory first: then its tables are no longer in use
    addi r1, r0, MMUEXT_UNPIN_TABLE
    call xen_pin
.endif
    addi r9, r0, USER_PDE_FIRST
uvm_free_pde:
    shli r2, r9, 2
    add r2, r8, r2
    lw r10, 0(r2)
    pv_pte_read r10
    andi r3, r10, PTE_P
    cmp r3, r0
    beq uvm_free_next_pde
    shri r10, r10, 12
    shli r10, r10, 12           ; r10 = page table
    mov r11, r0
uvm_free_pte:
    add r2, r10, r11
    lw r1, 0(r2)
    pv_pte_read r1
    andi r3, r1, PTE_P
    cmp r3, r0
    beq uvm_free_next_pte
    shri r1, r1, 12
    shli r1, r1, 12
    call kfree
uvm_free_next_pte:
    addi r11, r11, 4
    cmpi r11, PAGE
    bne uvm_free_pte
    mov r1, r10
.if PARAVIRT
    call xen_free_table         ; unpinned and writable again, for kalloc
.endif
    call kfree
uvm_free_next_pde:
    addi r9, r9, 1
    cmpi r9, USER_PDE_END
    bne uvm_free_pde
.if PARAVIRT
    mov r1, r8                  ; the directory writable again (unpinned above)
    addi r2, r0, PTE_P | PTE_W
    call xen_map_frame
.endif
    mov r1, r8
    call kfree
    pop r11
    pop r10
    pop r9
    pop r8
    ret

; uvm_cow_copy(r1 = parent's page directory) -> r1 = the child's page directory.
; Copy-on-write fork: no page is copied. Every writable user page becomes read-only and
; marked COW in the parent, and is mapped the same way in the child; its reference count
; goes up. The first write by either side faults, and the page-fault handler copies.
; The caller flushes the parent's TLB (its PTEs lost their W bit).
uvm_cow_copy:
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    mov r8, r1
    call uvm_new
    mov r9, r1                  ; r9 = child's directory
    addi r10, r0, USER_PDE_FIRST
uvm_cow_pde:
    shli r2, r10, 2
    add r2, r8, r2
    lw r11, 0(r2)
    pv_pte_read r11
    andi r3, r11, PTE_P
    cmp r3, r0
    beq uvm_cow_next_pde
    shri r11, r11, 12
    shli r11, r11, 12           ; r11 = parent's page table
    mov r12, r0                 ; r12 = byte offset of the PTE
uvm_cow_pte:
    add r2, r11, r12
    lw r13, 0(r2)
    pv_pte_read r13
    andi r3, r13, PTE_P
    cmp r3, r0
    beq uvm_cow_next_pte
    andi r3, r13, PTE_W
    cmp r3, r0
    beq uvm_cow_shared
    xori r13, r13, PTE_W        ; writable -> read-only + COW
    ori r13, r13, PTE_COW
    pv_set_pte r2, r13
uvm_cow_shared:
    shri r1, r13, 12
    shli r1, r1, 12
    call kref
    mov r1, r9                  ; map it in the child: va = pde index << 22 | pte index << 12
    shli r2, r10, 22
    shli r3, r12, 10
    or r2, r2, r3
    mov r3, r13
    call mappage
uvm_cow_next_pte:
    addi r12, r12, 4
    cmpi r12, PAGE
    bne uvm_cow_pte
uvm_cow_next_pde:
    addi r10, r10, 1
    cmpi r10, USER_PDE_END
    bne uvm_cow_pde
    mov r1, r9
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    ret

; Page-fault handling for user addresses, from user mode or from the kernel touching a user
; buffer on a process's behalf.
;
; pf_resolve(r1 = faulting va, r2 = error code) -> r1 = 1 if resolved, 0 if the access is bad.
;   - not present, in the heap [P_HEAP, P_BRK) or the stack region: demand paging, a fresh
;     zeroed page;
;   - a write to a present COW page: copy on write (or just make it writable again if this
;     process holds the only reference).
pf_resolve:
    push r8
    push r9
    push r10
    shri r8, r1, 12
    shli r8, r8, 12             ; r8 = page address
    la r9, current
    lw r9, 0(r9)                ; r9 = current process
    li r3, USER_BASE
    cmp r8, r3
    bltu pf_bad
    li r3, USER_TOP
    cmp r8, r3
    bgeu pf_bad
    andi r3, r2, PF_P
    cmp r3, r0
    bne pf_protection
    ; not present: is it in the heap or the stack region?
    li r3, USTACK_BOTTOM
    cmp r8, r3
    bgeu pf_demand
    lw r3, P_HEAP(r9)
    cmp r1, r3
    bltu pf_bad
    lw r3, P_BRK(r9)
    cmp r1, r3
    bgeu pf_bad
pf_demand:
    call kalloc
    mov r3, r1
    ori r3, r3, PTE_P | PTE_W | PTE_U
    lw r1, P_PGDIR(r9)
    mov r2, r8
    call mappage
    la r1, stat_demand
    lw r2, 0(r1)
    addi r2, r2, 1
    sw r2, 0(r1)
    jmp pf_ok
pf_protection:
    andi r3, r2, PF_W
    cmp r3, r0
    beq pf_bad
    lw r1, P_PGDIR(r9)
    mov r2, r8
    mov r3, r0
    call walk
    cmp r1, r0
    beq pf_bad
    mov r10, r1                 ; r10 = &pte
    lw r3, 0(r10)
    pv_pte_read r3
    andi r4, r3, PTE_COW
    cmp r4, r0
    beq pf_bad
    shri r1, r3, 12
    shli r1, r1, 12
    call refcount
    cmpi r1, 1
    bne pf_copy
    lw r3, 0(r10)               ; the last reference: take the page back, writable
    pv_pte_read r3
    xori r3, r3, PTE_COW
    ori r3, r3, PTE_W
    pv_set_pte r10, r3
    jmp pf_flush
pf_copy:
    call kalloc
    push r1
    mov r2, r8                  ; copy through the old mapping, still valid
    call memcpy_page
    lw r1, 0(r10)
    pv_pte_read r1
    shri r1, r1, 12
    shli r1, r1, 12
    call kfree                  ; one reference fewer on the shared page
    pop r3
    ori r3, r3, PTE_P | PTE_W | PTE_U
    pv_set_pte r10, r3
    la r1, stat_cow
    lw r2, 0(r1)
    addi r2, r2, 1
    sw r2, 0(r1)
pf_flush:
    pv_invlpg r8
pf_ok:
    addi r1, r0, 1
    jmp pf_out
pf_bad:
    mov r1, r0
pf_out:
    pop r10
    pop r9
    pop r8
    ret
