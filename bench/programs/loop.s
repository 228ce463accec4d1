; A tight arithmetic loop for host-speed measurements: toyos's checksum loop (user_lib.s),
; 7 instructions an iteration, a billion iterations, in ring 0 without paging, then hlt.
; 7 billion guest instructions in all, so that the second or so a whole `vmlab run` spends
; starting up counts little (bench/README.md: `vmlab run` on both engines, and the same loop
; for the host and QEMU in bench/programs/loop-x86_64.S).
    ori r2, r0, 7
    li r3, 1000000000
    li r5, 1103515245
loop:
    mul r2, r2, r5
    addi r2, r2, 12345
    shri r6, r2, 15
    xor r2, r2, r6
    addi r3, r3, -1
    cmp r3, r0
    bne loop
    hlt
