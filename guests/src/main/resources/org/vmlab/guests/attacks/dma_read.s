; dma_read.s -- attack "dma-read": let the disk read somebody else's memory.
;
; The CPU is not the only thing that reaches memory: the disk moves data by DMA, to and from
; physical addresses the driver gives it (docs/devices.md). The guest asks the disk to write
; sector 0 from SECRET_ADDR (memory -> disk), then to read sector 0 back into its own buffer,
; and looks there. No page table is involved, so shadow or nested paging does not help: the
; VMM must check or translate every DMA address its device model sees (hypervisor-direct),
; or an IOMMU must confine the device (passthrough).

    .include "attack.s"

BUFFER      = 0x00200000        ; the guest's own memory

attack_name: .asciz "dma-read"
    .align 4

main:
    addi r1, r0, DISK_WRITE     ; sector 0 <- SECRET_ADDR
    li r2, SECRET_ADDR
    call disk_request
    addi r1, r0, DISK_READ      ; BUFFER <- sector 0
    li r2, BUFFER
    call disk_request
    li r1, BUFFER
    call is_secret
    cmp r1, r0
    beq dma_read_failed
    li r1, SECRET_ADDR
    jmp found
dma_read_failed:
    mov r1, r2
    jmp not_found
