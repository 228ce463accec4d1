; dma_write.s -- attack "dma-write": let the disk overwrite somebody else's memory.
;
; The other direction of dma-read: the guest writes a sector of its own (every word
; DMA_MARKER) to the disk, then asks the disk to read that sector into SECRET_ADDR, outside
; its memory. On bare metal the secret is overwritten (the test looks at the frame afterwards);
; the guest itself sees only the disk's status: done, or error. Containment is the same as for
; dma-read: the VMM's device model or an IOMMU must refuse the address.
;
;   attack dma-write: overwrote physical 0x02000000 (disk status 0x00000004)
;   attack dma-write: could not write physical 0x02000000 (disk status 0x00000002)

    .include "attack.s"

BUFFER      = 0x00200000        ; the guest's own memory
DMA_MARKER  = 0x0BADD0DE

attack_name: .asciz "dma-write"
    .align 4

main:
    li r1, BUFFER               ; one sector of DMA_MARKER
    li r2, DMA_MARKER
    addi r3, r1, 512
dma_write_fill:
    sw r2, 0(r1)
    addi r1, r1, 4
    cmp r1, r3
    bne dma_write_fill
    addi r1, r0, DISK_WRITE     ; sector 0 <- BUFFER
    li r2, BUFFER
    call disk_request
    addi r1, r0, DISK_READ      ; SECRET_ADDR <- sector 0
    li r2, SECRET_ADDR
    call disk_request
    mov r8, r1
    la r1, msg_overwrote
    andi r2, r8, DISK_DONE
    cmp r2, r0
    bne dma_write_report
    la r1, msg_could_not
dma_write_report:
    li r2, SECRET_ADDR
    la r3, msg_status
    call say_value
    mov r1, r8
    call kputhex
    la r1, msg_close
    call kputs
    poweroff

msg_overwrote:  .asciz "overwrote physical "
msg_could_not:  .asciz "could not write physical "
msg_status:     .asciz " (disk status "
    .align 4
