; in.s -- nanobenchmark 2, "in": a read of an I/O port, in the kernel.
;
; The port is the interrupt controller's mask (0x21): reading it has no side effect. A VMM
; must intercept every port access of a guest (the device is its to emulate), so natively this
; is one instruction and a device round trip, and virtualized it is an exit or a trap to the
; VMM's device model and back (binary translation emulates it inside its translation cache when
; the VMM runs the device model itself).

bench_name: .asciz "in"
    .align 4

bench:
    in r1, PIC_MASK
    addi r9, r9, -1
    cmp r9, r0
    bne bench
    jmp finish
