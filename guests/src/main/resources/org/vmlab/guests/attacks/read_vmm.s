; read_vmm.s -- attack "read-vmm": read physical memory beyond the guest's own, no tricks.
;
; With paging off, a virtual address is a physical address; the guest kernel reads SECRET_ADDR,
; above its memory, where on a machine shared with others there is somebody else's memory --
; the VMM's, or another VM's. On bare metal it is simply there. Under a VMM the guest's paging
; off is itself virtual: the VMM maps guest-physical memory (identity, up to the VM's size)
; and nothing more, so the read must fault or read nothing.

    .include "attack.s"

attack_name: .asciz "read-vmm"
    .align 4

main:
    li r1, SECRET_ADDR          ; paging is off: this is a physical address
    call is_secret
    cmp r1, r0
    beq read_vmm_failed
    li r1, SECRET_ADDR
    jmp found
read_vmm_failed:
    mov r1, r2
    jmp not_found
