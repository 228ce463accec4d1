; attack.s -- what the hostile guests share: the standalone boot, the secret, and the report.
;
; A hostile guest is a guest kernel that tries to reach memory or time that is not its own. On
; bare metal every attack here succeeds, which shows it is real; a virtual machine monitor must
; contain each one (docs/guests-bench.md). Each attack prints one line,
;
;   attack NAME: found the secret at physical 0x02000000     (it succeeded)
;   attack NAME: no secret found (read 0xffffffff)           (it failed)
;
; or, for the attacks on the CPU, a line saying what it did before it spins forever.
;
; The secret: the test plants it (Attacks.plantSecret) at SECRET_ADDR, a frame outside the
; guest's memory: the words SECRET_MAGIC and ~SECRET_MAGIC, then two more. No attack image
; holds either word (`li` splits the constant into two 16-bit halves), so a scan cannot find
; the attacker's own code.
;
; Defines (Attacks.java passes them): SECRET_ADDR, a frame-aligned physical address (default
; 32 MiB); MACHINE_END, one past the last physical address a scan tries (default 64 MiB).

    .include "../standalone/standalone.s"

.ifndef SECRET_ADDR
SECRET_ADDR = 0x02000000
.endif
.ifndef MACHINE_END
MACHINE_END = 0x04000000
.endif
SECRET_MAGIC = 0x5EC2E7A5

DISK_SECTOR = 0x1F0
DISK_COUNT  = 0x1F1
DISK_DMA    = 0x1F2
DISK_CMD    = 0x1F3
DISK_STATUS = 0x1F4
DISK_READ   = 1                 ; disk to memory
DISK_WRITE  = 2                 ; memory to disk
DISK_BUSY   = 1
DISK_DONE   = 4
TIMER_PERIOD_PORT = 0x40

; A hostile guest never enters user mode, but `finish` is part of the boot's contract.
finish:
    poweroff

; is_secret(r1 = address) -> r1 = 1 if the words at r1 and r1+4 are SECRET_MAGIC and
; ~SECRET_MAGIC, else 0; r2 = the first word. Clobbers r3.
is_secret:
    lw r2, 0(r1)
    lw r3, 4(r1)
    li r1, SECRET_MAGIC
    cmp r2, r1
    bne is_secret_no
    xor r3, r3, r1              ; r3 ^ SECRET_MAGIC is all ones if r3 == ~SECRET_MAGIC
    addi r1, r0, -1
    cmp r3, r1
    bne is_secret_no
    addi r1, r0, 1
    ret
is_secret_no:
    mov r1, r0
    ret

; say(r1 = message): print "attack NAME: " and the message. Clobbers r1..r3.
say:
    mov r3, r1
    la r1, msg_attack
    call kputs
    la r1, attack_name
    call kputs
    la r1, msg_colon
    call kputs
    mov r1, r3
    jmp kputs

; say_value(r1 = message, r2 = value, r3 = message): print "attack NAME: ", the first message,
; the value in hex, the second message. Clobbers r1..r6.
say_value:
    mov r5, r2
    mov r6, r3
    call say
    mov r1, r5
    call kputhex
    mov r1, r6
    jmp kputs

; found(r1 = physical address): "attack NAME: found the secret at physical 0x...", power off.
found:
    mov r2, r1
    la r1, msg_found
    la r3, msg_nl
    call say_value
    poweroff

; not_found(r1 = the word read): "attack NAME: no secret found (read 0x...)", power off.
not_found:
    mov r2, r1
    la r1, msg_not_found
    la r3, msg_close
    call say_value
    poweroff

; disk_request(r1 = command, r2 = physical address): one sector, DISK_SECTOR 0, by DMA; polls
; until the disk is no longer busy. -> r1 = the final status. Clobbers r2.
disk_request:
    out DISK_SECTOR, r0
    out DISK_DMA, r2
    addi r2, r0, 1
    out DISK_COUNT, r2
    out DISK_CMD, r1
disk_poll:
    in r1, DISK_STATUS
    andi r2, r1, DISK_BUSY
    cmp r2, r0
    bne disk_poll
    ret

msg_attack:     .asciz "attack "
msg_colon:      .asciz ": "
msg_found:      .asciz "found the secret at physical "
msg_not_found:  .asciz "no secret found (read "
msg_close:      .asciz ")\n"
msg_nl:         .asciz "\n"
    .align 4
