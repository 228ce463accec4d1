; nanobench.s -- the nanobenchmarks of Adams and Agesen, "A comparison of software and
; hardware techniques for x86 virtualization", ASPLOS 2006, section 6.1 and Figure 4.
;
; Each one repeats a single operation that a virtual machine monitor may have to intervene
; in -- a system call, a port read, a control-register write, a call and return, a page
; fault, a divide error, a page-table update -- ITERATIONS times in a loop, then powers off.
; Run natively, it shows what the operation costs on the bare machine; run under a VMM, what
; trap-and-emulate, binary translation or shadow paging add to it. A&A used them to explain
; why, in 2006, software binary translation often beat the first hardware assistance.
;
; Defines: BENCH selects the body (1 syscall, 2 in, 3 cr-write, 4 call-ret, 5 pgfault,
; 6 divzero, 7 ptemod; Nanobenchmark.java keeps the same numbers), ITERATIONS the loop count.
;
; Measuring: the loop is the only part of a run that grows with ITERATIONS, so
; (cycles(2N) - cycles(N)) / N is the cost of one iteration: the operation plus three
; instructions of loop control (addi, cmp, bne). Nanobench.measure does exactly this.
;
; A body defines `bench` (jumped to in ring 0 with paging on and r9 = ITERATIONS), the
; handlers it needs, and `bench_name`; it ends at `finish`, directly or by `int T_EXIT` from
; ring 3. Nothing in a run depends on time: no device interrupts, no timer.

    .include "../standalone/standalone.s"

.ifndef BENCH
    .error "define BENCH: 1 syscall, 2 in, 3 cr-write, 4 call-ret, 5 pgfault, 6 divzero, 7 ptemod"
BENCH = 0
.endif
.ifndef ITERATIONS
ITERATIONS = 1000
.endif

main:
    call paging_on
    li r9, ITERATIONS
    jmp bench

; finish: "nanobench NAME: done", power off. The same instructions for every ITERATIONS.
finish:
    la r1, msg_nanobench
    call kputs
    la r1, bench_name
    call kputs
    la r1, msg_done
    call kputs
    poweroff

msg_nanobench:  .asciz "nanobench "
msg_done:       .asciz ": done\n"
    .align 4

.if BENCH == 1
    .include "syscall.s"
.elif BENCH == 2
    .include "in.s"
.elif BENCH == 3
    .include "cr_write.s"
.elif BENCH == 4
    .include "call_ret.s"
.elif BENCH == 5
    .include "pgfault.s"
.elif BENCH == 6
    .include "divzero.s"
.elif BENCH == 7
    .include "ptemod.s"
.else
    .error "BENCH must be 1..7 (see Nanobenchmark.java)"
.endif
