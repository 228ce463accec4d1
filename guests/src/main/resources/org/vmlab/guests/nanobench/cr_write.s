; cr_write.s -- nanobenchmark 3, "cr-write": a control-register write, in the kernel.
;
; A&A wrote cr8 (the task-priority register). This machine has none, so the kernel rewrites
; cr4 (the kernel stack pointer a trap loads) with its own value: a write without a side effect
; that could break the loop. `mtcr` is privileged, so a deprivileged guest kernel traps on it
; (trap-and-emulate); binary translation sees that the register is cr4, which only the vCPU
; holds, and emulates the write inside its translation cache, as VMware's did cr8.

bench_name: .asciz "cr-write"
    .align 4

bench:
    mfcr r1, cr4
cr_write_loop:
    mtcr cr4, r1
    addi r9, r9, -1
    cmp r9, r0
    bne cr_write_loop
    jmp finish
