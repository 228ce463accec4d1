# The loop of bench/programs/loop.s for the host (x86-64, Linux), 7 instructions an iteration.
# Build: gcc -nostdlib -static -o loop bench/programs/loop-x86_64.S; run natively and under qemu-x86_64.
    .globl _start
    .text
_start:
    mov $7, %eax
    mov $1000000000, %ecx
    mov $1103515245, %edx
1:
    imul %edx, %eax
    add $12345, %eax
    mov %eax, %esi
    shr $15, %esi
    xor %esi, %eax
    dec %ecx
    jnz 1b
    mov $60, %eax
    xor %edi, %edi
    syscall
