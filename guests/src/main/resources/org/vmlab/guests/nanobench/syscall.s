; syscall.s -- nanobenchmark 1, "syscall": a system call that does nothing.
;
; Ring 3 executes `int T_SYSCALL`; the handler drops the error code and irets. One iteration
; is a full round trip user -> kernel -> user: the trap entry (stack switch to cr4, four words
; pushed) and the iret. Natively the hardware does both; under trap-and-emulate the guest
; kernel runs deprivileged, so the VMM receives the trap, reflects it into the guest's handler,
; and must emulate its privileged iret as well (A&A: the syscall is where hardware assistance
; of 2006 lost to binary translation).

bench_name: .asciz "syscall"
    .align 4

bench:
    set_gate T_SYSCALL, sys_null, 3
    la r1, user_syscalls
    jmp enter_user

sys_null:
    addi sp, sp, 4              ; the error code
    iret

    .segment user, USER_BASE
user_syscalls:
    li r9, ITERATIONS
user_syscalls_loop:
    int T_SYSCALL
    addi r9, r9, -1
    cmp r9, r0
    bne user_syscalls_loop
    int T_EXIT
