; user_lib.s -- the user-mode library: system-call stubs and printing.
;
; User code runs in ring 3 and can only ask the kernel, with `int 0x80`. Convention: the
; arguments are already in r2..r4 when a stub is called; the stub puts the number in r1.
; Like the kernel's functions, user functions may change r1..r7 and r15 and keep r8..r13.

exit:
    addi r1, r0, SYS_EXIT
    int 0x80
    ret
write:
    addi r1, r0, SYS_WRITE
    int 0x80
    ret
getpid:
    addi r1, r0, SYS_GETPID
    int 0x80
    ret
yield_cpu:
    addi r1, r0, SYS_YIELD
    int 0x80
    ret
wait:
    addi r1, r0, SYS_WAIT
    int 0x80
    ret
sbrk:
    addi r1, r0, SYS_SBRK
    int 0x80
    ret
fork:
    addi r1, r0, SYS_FORK
    int 0x80
    ret
exec:
    addi r1, r0, SYS_EXEC
    int 0x80
    ret
dread:
    addi r1, r0, SYS_DREAD
    int 0x80
    ret
dwrite:
    addi r1, r0, SYS_DWRITE
    int 0x80
    ret
nsend:
    addi r1, r0, SYS_NSEND
    int 0x80
    ret
nrecv:
    addi r1, r0, SYS_NRECV
    int 0x80
    ret
getarg:
    addi r1, r0, SYS_GETARG
    int 0x80
    ret

; argnum(r2 = a 32-byte buffer, r3 = default) -> r1: the number after the program's name on
; the boot command line ("lat_null 1000" gives 1000; digits up to the first non-digit), or the
; default if there is none. The buffer is left holding the name alone.
argnum:
    push r2
    push r3
    call getarg
    pop r1
    pop r2
argnum_name:                    ; skip the name; a NUL first means no number
    lbu r3, 0(r2)
    cmp r3, r0
    beq argnum_done
    addi r2, r2, 1
    cmpi r3, ' '
    bne argnum_name
    sb r0, -1(r2)
    mov r1, r0
    addi r5, r0, 10
argnum_digit:
    lbu r3, 0(r2)
    addi r3, r3, -'0'
    cmpi r3, 10
    bgeu argnum_done            ; unsigned: below '0' is no digit either
    mul r1, r1, r5
    add r1, r1, r3
    addi r2, r2, 1
    jmp argnum_digit
argnum_done:
    ret

; puts(r2 = NUL-terminated string)
puts:
    mov r3, r2
puts_len:
    lbu r4, 0(r3)
    cmp r4, r0
    beq puts_go
    addi r3, r3, 1
    jmp puts_len
puts_go:
    sub r3, r3, r2
    jmp write

; putdec(r2 = unsigned value)
putdec:
    la r3, putbuf_end
    addi r4, r0, 10
putdec_loop:
    addi r3, r3, -1
    remu r5, r2, r4
    addi r5, r5, '0'
    sb r5, 0(r3)
    divu r2, r2, r4
    cmp r2, r0
    bne putdec_loop
    mov r2, r3
    jmp puts

; puthex(r2 = value): 0x and eight hex digits
puthex:
    la r3, putbuf
    addi r4, r0, '0'
    sb r4, 0(r3)
    addi r4, r0, 'x'
    sb r4, 1(r3)
    addi r3, r3, 2
    addi r4, r0, 28
puthex_loop:
    shr r5, r2, r4
    andi r5, r5, 15
    cmpi r5, 10
    blt puthex_digit
    addi r5, r5, 'a' - '0' - 10
puthex_digit:
    addi r5, r5, '0'
    sb r5, 0(r3)
    addi r3, r3, 1
    addi r4, r4, -4
    cmp r4, r0
    bge puthex_loop
    sb r0, 0(r3)
    la r2, putbuf
    jmp puts

; streq(r2, r3) -> r1 = 1 if the strings are equal
streq:
    lbu r4, 0(r2)
    lbu r5, 0(r3)
    cmp r4, r5
    bne streq_no
    cmp r4, r0
    beq streq_yes
    addi r2, r2, 1
    addi r3, r3, 1
    jmp streq
streq_yes:
    addi r1, r0, 1
    ret
streq_no:
    mov r1, r0
    ret

; checksum(r2 = seed, r3 = iterations) -> r1: x = seed; repeat: x = x * 1103515245 + 12345;
; x ^= x >> 15 (logical). The arithmetic loop of the compute workloads.
checksum:
    mov r1, r2
    li r5, 1103515245
checksum_loop:
    mul r1, r1, r5
    addi r1, r1, 12345
    shri r6, r1, 15
    xor r1, r1, r6
    addi r3, r3, -1
    cmp r3, r0
    bne checksum_loop
    ret

putbuf:
    .space 15
putbuf_end:
    .byte 0
nl:
    .asciz "\n"
    .align 4
