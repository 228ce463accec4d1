; map_foreign.s -- attack "map-foreign": map every physical frame and look for the secret.
;
; The guest kernel builds page tables of its own that map every frame of the machine, from 0
; up to MACHINE_END, at WINDOW + physical, and reads the first two words of each frame,
; looking for the secret. On bare metal a kernel owns all of memory, so it finds it. A VMM must
; make the guest's "physical" frames its own: under shadow paging every guest PTE is
; translated through the VM's physical-to-machine map, so a frame beyond the VM's memory has no
; machine frame at all; a paravirtual MMU refuses the PTE; nested paging confines the walk.

    .include "attack.s"

WINDOW      = 0x40000000        ; virtual = WINDOW + physical (PDE 256 on)
WINDOW_PT   = 0x00100000        ; the window's page tables: one per 4 MiB, MACHINE_END / 1024 bytes

.if MACHINE_END > 0x40000000 || (MACHINE_END & 0x3FFFFF) != 0
    .error "MACHINE_END must be a multiple of 4 MiB, at most 1 GiB"
.endif

attack_name: .asciz "map-foreign"
    .align 4

main:
    call paging_on
    li r1, WINDOW_PT            ; PTEs: frame i -> i * PAGE | P (read-only, supervisor)
    addi r2, r0, PTE_P
    li r3, MACHINE_END
map_frames:
    sw r2, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r2, r3
    bltu map_frames
    li r1, PGDIR + (WINDOW >> 22) * 4   ; PDEs: one per page table
    li r2, WINDOW_PT | PTE_P | PTE_W
    li r3, WINDOW_PT + (MACHINE_END >> 10)
map_tables:
    sw r2, 0(r1)
    addi r1, r1, 4
    addi r2, r2, PAGE
    cmp r2, r3
    bltu map_tables
    li r8, WINDOW               ; scan the window, one frame at a time
    li r9, WINDOW + MACHINE_END
scan:
    mov r1, r8
    call is_secret
    cmp r1, r0
    bne scan_found
    addi r8, r8, PAGE
    cmp r8, r9
    bltu scan
    mov r1, r2                  ; the first word of the last frame
    jmp not_found
scan_found:
    li r1, WINDOW
    sub r1, r8, r1
    jmp found
