; lib.s -- memory helpers for the kernel.

; memzero_page(r1 = page address): clear 4096 bytes, 16 at a time
memzero_page:
    addi r2, r1, PAGE
memzero_loop:
    sw r0, 0(r1)
    sw r0, 4(r1)
    sw r0, 8(r1)
    sw r0, 12(r1)
    addi r1, r1, 16
    cmp r1, r2
    bne memzero_loop
    ret

; memcpy_page(r1 = dst, r2 = src): copy 4096 bytes, both page-aligned
memcpy_page:
    addi r3, r1, PAGE
memcpy_page_loop:
    lw r4, 0(r2)
    lw r5, 4(r2)
    lw r6, 8(r2)
    lw r7, 12(r2)
    sw r4, 0(r1)
    sw r5, 4(r1)
    sw r6, 8(r1)
    sw r7, 12(r1)
    addi r1, r1, 16
    addi r2, r2, 16
    cmp r1, r3
    bne memcpy_page_loop
    ret

; memcpy(r1 = dst, r2 = src, r3 = bytes): any alignment; words when both are aligned
memcpy:
    or r4, r1, r2
    or r4, r4, r3
    andi r4, r4, 3
    cmp r4, r0
    bne memcpy_bytes
    add r3, r1, r3              ; word copy: r3 = end of dst
memcpy_words:
    cmp r1, r3
    beq memcpy_done
    lw r4, 0(r2)
    sw r4, 0(r1)
    addi r1, r1, 4
    addi r2, r2, 4
    jmp memcpy_words
memcpy_bytes:
    add r3, r1, r3
memcpy_bytes_loop:
    cmp r1, r3
    beq memcpy_done
    lbu r4, 0(r2)
    sb r4, 0(r1)
    addi r1, r1, 1
    addi r2, r2, 1
    jmp memcpy_bytes_loop
memcpy_done:
    ret

; strcmp(r1, r2) -> r1 = 0 if the two NUL-terminated strings are equal, else 1
strcmp:
    lbu r3, 0(r1)
    lbu r4, 0(r2)
    cmp r3, r4
    bne strcmp_differ
    cmp r3, r0
    beq strcmp_equal
    addi r1, r1, 1
    addi r2, r2, 1
    jmp strcmp
strcmp_equal:
    mov r1, r0
    ret
strcmp_differ:
    addi r1, r0, 1
    ret

; user_range_ok(r1 = address, r2 = length) -> r1 = 1 if [address, address+length) lies in
; user space, else 0. Every system call checks the pointers it is given with this, so that a
; process cannot make the kernel read or write kernel memory on its behalf.
user_range_ok:
    li r3, USER_BASE
    cmp r1, r3
    bltu user_range_bad
    add r4, r1, r2
    cmp r4, r1
    bltu user_range_bad         ; wrapped around
    li r3, USER_TOP
    cmp r4, r3
    bltu user_range_good
    beq user_range_good
user_range_bad:
    mov r1, r0
    ret
user_range_good:
    addi r1, r0, 1
    ret
