; call_ret.s -- nanobenchmark 4, "call-ret": a call to a function that returns at once, in
; the kernel.
;
; Nothing here is sensitive: natively and under trap-and-emulate it runs at full speed. It is
; here for binary translation: a translated `call` pushes the guest's return address, so a
; translated `ret` is an indirect branch whose target must be looked up (guest address ->
; translated address) every time. A&A measured it as the overhead BT pays where hardware
; assistance pays nothing.

bench_name: .asciz "call-ret"
    .align 4

bench:
    call leaf
    addi r9, r9, -1
    cmp r9, r0
    bne bench
    jmp finish

leaf:
    ret
