; user_init.s -- init, the first process.
;
; It reads the boot command line. Empty or "all": start three compute workers at once (they
; share the CPU under timer preemption), wait for each in a fixed order and print its result.
; Otherwise: fork a child that execs the named program, and wait for it. A line "NAME ARGS"
; execs NAME, which reads its arguments from the command line (see argnum in user_lib.s).

ALL_ITERATIONS = 200000

u_init:
    la r2, argbuf
    call getarg
    la r2, argbuf
    lbu r3, 0(r2)
    cmp r3, r0
    beq init_all
    la r3, init_str_all
    call streq
    cmp r1, r0
    bne init_all
    call fork                   ; run one workload
    cmp r1, r0
    bne init_wait_one
    la r2, argbuf
    call exec                   ; returns only if there is no such program
    la r2, argbuf               ; "NAME ARGS" (a benchmark and its count): cut the line at
init_cut:                       ; the first space and exec NAME, which reads ARGS itself
    lbu r3, 0(r2)
    cmp r3, r0
    beq init_noprog
    addi r2, r2, 1
    cmpi r3, ' '
    bne init_cut
    sb r0, -1(r2)
    la r2, argbuf
    call exec
init_noprog:
    la r2, init_msg_noprog
    call puts
    la r2, argbuf
    call puts
    la r2, nl
    call puts
    addi r2, r0, 127
    call exit
init_wait_one:
    mov r2, r1
    call wait
    mov r2, r0
    call exit

init_all:
    addi r8, r0, 1              ; worker number = seed, 1..3
init_spawn:
    call fork
    cmp r1, r0
    beq init_worker
    la r2, init_pids
    shli r3, r8, 2
    add r2, r2, r3
    sw r1, 0(r2)
    addi r8, r8, 1
    cmpi r8, 4
    bne init_spawn
    addi r8, r0, 1              ; collect in order: the output does not depend on who
init_collect:                   ; finished first
    la r2, init_pids
    shli r3, r8, 2
    add r2, r2, r3
    lw r2, 0(r2)
    call wait
    mov r9, r1
    la r2, init_msg_worker
    call puts
    mov r2, r8
    call putdec
    la r2, init_msg_checksum
    call puts
    mov r2, r9
    call puthex
    la r2, nl
    call puts
    addi r8, r8, 1
    cmpi r8, 4
    bne init_collect
    la r2, init_msg_done
    call puts
    mov r2, r0
    call exit

init_worker:
    mov r2, r8
    li r3, ALL_ITERATIONS
    call checksum
    mov r2, r1
    call exit

init_str_all:    .asciz "all"
init_msg_noprog: .asciz "init: no such program: "
init_msg_worker: .asciz "init: worker "
init_msg_checksum: .asciz " checksum="
init_msg_done:   .asciz "init: all workers done\n"
    .align 4
init_pids:  .space 16
argbuf:     .space 32
