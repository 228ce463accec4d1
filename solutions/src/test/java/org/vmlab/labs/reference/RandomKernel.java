package org.vmlab.labs.reference;

import java.util.List;
import java.util.Map;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.image.Image;

/**
 * A random guest kernel for the differential property test: the standalone boot, handlers that
 * count and record every trap and return past it, then a sequence of {@link Action}s in ring 0
 * (privileged and sensitive instructions, loads and stores, traps, faults, timer interrupts,
 * page-table edits, self-modifying code, jumps to misaligned addresses) and, optionally, some in
 * ring 3.
 *
 * @param paging whether the kernel turns paging on first
 * @param kernel what it does in ring 0
 * @param user   what its user code does (nothing: no user phase)
 */
record RandomKernel(boolean paging, List<Action> kernel, List<Action> user) {

    /** One step of a random kernel, as assembly lines. */
    sealed interface Action {
        /** The lines, for the action at position {@code index} (unique labels). */
        String lines(int index);
    }

    /** {@code op rd, rs, rt} or {@code addi rd, rs, imm} on the scratch registers r1..r7. */
    record Arith(String op, int rd, int rs, int rt, int imm) implements Action {
        public String lines(int index) {
            return op.equals("addi") ? "    addi r" + rd + ", r" + rs + ", " + imm + "\n"
                    : "    " + op + " r" + rd + ", r" + rs + ", r" + rt + "\n";
        }
    }

    /** A sensitive or privileged instruction with its operands. */
    record Sensitive(String text) implements Action {
        public String lines(int index) {
            return "    " + text + "\n";
        }
    }

    /** {@code push} of a value, then {@code popf}: condition bits, IF, and a ring popf ignores. */
    record PopFlags(int value) implements Action {
        public String lines(int index) {
            return "    li r6, " + value + "\n    push r6\n    popf\n";
        }
    }

    /** A store then a load in the kernel's data area. */
    record Memory(int register, int offset) implements Action {
        public String lines(int index) {
            return "    la r6, data\n    sw r" + register + ", " + offset + "(r6)\n"
                    + "    lw r7, " + ((offset + 4) % 256) + "(r6)\n";
        }
    }

    /** A trap the handlers return from: a system call, a divide error, a bad control register. */
    record Trap(String kind) implements Action {
        public String lines(int index) {
            return switch (kind) {
                case "int" -> "    int T_SYSCALL\n";
                case "div" -> "    div r5, r1, r0\n";
                case "badcr" -> "    .word 0x0c500007\n";
                default -> "    li r6, 0x00c00000\n    lw r5, 0(r6)\n";   // absent with paging on
            };
        }
    }

    /** The timer at {@code period} ticks, interrupts on for a while, then off again. */
    record Timer(int period, int spin) implements Action {
        public String lines(int index) {
            return "    addi r6, r0, " + period + "\n    out TIMER, r6\n    sti\n"
                    + "    addi r6, r0, " + spin + "\nspin_" + index + ":\n    addi r6, r6, -1\n"
                    + "    cmp r6, r0\n    bne spin_" + index + "\n    cli\n    out TIMER, r0\n";
        }
    }

    /**
     * An instruction ahead is written before it runs: self-modifying code, the written slot
     * somewhere inside a run of identical instructions ({@code before} nops, the slot, {@code after}
     * nops), in the same basic block as the store.
     */
    record SelfModify(int template, int before, int after) implements Action {
        public String lines(int index) {
            return "    la r6, template_" + template + "\n    lw r7, 0(r6)\n    la r6, slot_" + index
                    + "\n    sw r7, 0(r6)\n" + "    nop\n".repeat(before) + "slot_" + index + ":\n    nop\n"
                    + "    nop\n".repeat(after);
        }
    }

    /**
     * A jump to {@code misalignment} bytes past a word: #GP at the target (the fault handler
     * goes on at the next word).
     */
    record MisalignedJump(int misalignment) implements Action {
        public String lines(int index) {
            return "    la r6, target_" + index + "\n    addi r6, r6, " + misalignment + "\n    jr r6\ntarget_"
                    + index + ":\n    nop\n    addi r1, r1, 1\n";
        }
    }

    /** A user page mapped to another frame, invalidated, then written and read through it. */
    record Remap(int page, int frame) implements Action {
        public String lines(int index) {
            return "    li r6, PT_USER\n    li r7, " + String.format("0x%08x", 0x00400000 + frame * 4096)
                    + " | PTE_P | PTE_W | PTE_U\n    sw r7, " + 4 * page + "(r6)\n"
                    + "    li r6, USER_BASE + " + page * 4096 + "\n    invlpg r6\n"
                    + "    sw r1, 16(r6)\n    lw r2, 20(r6)\n";
        }
    }

    /**
     * Two user pages mapped to one frame: a write through one is read through the other (a
     * shadow must not keep a stale copy of either).
     */
    record Alias(int pageA, int pageB, int frame) implements Action {
        public String lines(int index) {
            String entry = String.format("0x%08x", 0x00400000 + frame * 4096) + " | PTE_P | PTE_W | PTE_U";
            return "    li r6, PT_USER\n    li r7, " + entry + "\n    sw r7, " + 4 * pageA + "(r6)\n"
                    + "    sw r7, " + 4 * pageB + "(r6)\n"
                    + "    li r6, USER_BASE + " + pageA * 4096 + "\n    invlpg r6\n"
                    + "    li r7, USER_BASE + " + pageB * 4096 + "\n    invlpg r7\n"
                    + "    sw r3, 8(r6)\n    lw r4, 8(r7)\n    addi r4, r4, 1\n    sw r4, 12(r7)\n"
                    + "    lw r5, 12(r6)\n";
        }
    }

    /**
     * One store in a loop of {@code iterations}: it writes a user page's table entry for the first
     * {@code switchAt} passes (a traced page table, under shadow paging, once a shadow was built
     * from it), then a word of the kernel's data; the page is then read through the last entry
     * written. Binary translation adapts the store to a callout once it has trapped often enough,
     * and copies it again once it has written untraced memory often enough.
     */
    record PageTableLoop(int page, int frame, int iterations, int switchAt) implements Action {
        public String lines(int index) {
            return "    li r6, PT_USER + " + 4 * page + "\n    li r7, "
                    + String.format("0x%08x", 0x00400000 + frame * 4096) + " | PTE_P | PTE_W | PTE_U\n"
                    + "    addi r5, r0, " + iterations + "\n    addi r4, r0, " + switchAt + "\n"
                    + "ptloop_" + index + ":\n    sw r7, 0(r6)\n    addi r4, r4, -1\n    cmp r4, r0\n"
                    + "    bne ptnext_" + index + "\n    la r6, data\nptnext_" + index + ":\n"
                    + "    addi r5, r5, -1\n    cmp r5, r0\n    bne ptloop_" + index + "\n"
                    + "    li r6, USER_BASE + " + page * 4096 + "\n    invlpg r6\n    lw r2, 20(r6)\n";
        }
    }

    /** A page-table entry read back: its accessed and dirty bits as the walks left them. */
    record ReadEntry(boolean low, int index) implements Action {
        public String lines(int index) {
            return "    li r6, " + (low ? "PT_LOW" : "PT_USER") + "\n    lw r" + (1 + this.index % 7)
                    + ", " + 4 * this.index + "(r6)\n";
        }
    }

    /** Waiting in hlt for the timer's interrupt. */
    record Halt(int period) implements Action {
        public String lines(int index) {
            return "    addi r6, r0, " + period + "\n    out TIMER, r6\n    sti\n    hlt\n    cli\n"
                    + "    out TIMER, r0\n";
        }
    }

    /**
     * Kernel code reached through a virtual page (12 of the user range) that is remapped
     * between two calls, from the frame of one routine to the frame of another: the second call
     * must run the new code (a translation, or a chain to it, made for the old frame is stale).
     */
    record RemapCode(boolean secondFirst) implements Action {
        public String lines(int index) {
            String first = secondFirst ? "CODE_B" : "CODE_A";
            String second = secondFirst ? "CODE_A" : "CODE_B";
            return "    li r6, PT_USER\n    li r7, " + first + " | PTE_P | PTE_W | PTE_U\n"
                    + "    sw r7, 48(r6)\n    li r6, CODE_PAGE\n    invlpg r6\n    call CODE_PAGE\n"
                    + "    li r6, PT_USER\n    li r7, " + second + " | PTE_P | PTE_W | PTE_U\n"
                    + "    sw r7, 48(r6)\n    li r6, CODE_PAGE\n    invlpg r6\n    call CODE_PAGE\n";
        }
    }

    /**
     * A disk request by DMA into the kernel's buffer, then the status read after {@code spin}
     * loops: busy or done at that very tick, as on bare metal (the disk's line is masked).
     */
    record Disk(int sector, int count, boolean write, int spin) implements Action {
        public String lines(int index) {
            return "    addi r6, r0, " + sector + "\n    out 0x1F0, r6\n    addi r6, r0, " + count
                    + "\n    out 0x1F1, r6\n    la r6, dma_buf\n    out 0x1F2, r6\n    addi r6, r0, "
                    + (write ? 2 : 1) + "\n    out 0x1F3, r6\n    addi r6, r0, " + spin + "\ndisk_" + index
                    + ":\n    addi r6, r6, -1\n    cmp r6, r0\n    bne disk_" + index
                    + "\n    in r5, 0x1F4\n    out 0x1F4, r0\n";
        }
    }

    /**
     * A frame of {@code length} bytes sent from the kernel's buffer through a one-slot transmit
     * ring, a receive buffer offered for its echo, and the rings' heads read after {@code spin}
     * loops (paging off: the registers at their physical address). The network interface's line
     * is masked.
     */
    record Nic(int length, int spin) implements Action {
        public String lines(int index) {
            return "    la r6, nic_tx\n    la r7, dma_buf\n    sw r7, 0(r6)\n    addi r7, r0, " + length
                    + "\n    sw r7, 4(r6)\n    sw r0, 8(r6)\n    la r6, nic_rx\n    la r7, dma_buf + 2048\n"
                    + "    sw r7, 0(r6)\n    addi r7, r0, 1514\n    sw r7, 4(r6)\n    sw r0, 8(r6)\n"
                    + "    li r7, 0xF0000000\n    la r6, nic_rx\n    sw r6, 16(r7)\n    addi r6, r0, 2\n"
                    + "    sw r6, 20(r7)\n    addi r6, r0, 1\n    sw r6, 28(r7)\n    la r6, nic_tx\n"
                    + "    sw r6, 0(r7)\n    addi r6, r0, 2\n    sw r6, 4(r7)\n    addi r6, r0, 1\n"
                    + "    sw r6, 12(r7)\n    addi r6, r0, " + spin + "\nnic_" + index + ":\n    addi r6, r6, -1\n"
                    + "    cmp r6, r0\n    bne nic_" + index + "\n    lw r4, 8(r7)\n    lw r5, 24(r7)\n"
                    + "    lw r3, 32(r7)\n";
        }
    }

    /** The source, as a file of the labs' test programs would be. */
    String source() {
        StringBuilder s = new StringBuilder("""
                ; a random kernel of the differential property test
                    .include "../../guests/standalone/standalone.s"
                TIMER = 0x40
                IRQ0 = 32
                CODE_PAGE = USER_BASE + 12 * 4096
                CODE_A = USER_BASE + 13 * 4096
                CODE_B = USER_BASE + 14 * 4096
                main:
                """);
        if (paging) {
            s.append("    call paging_on\n");
        }
        s.append("""
                    set_gate T_DE, on_fault, 0
                    set_gate T_UD, on_fault, 0
                    set_gate T_GP, on_fault, 0
                    set_gate T_PF, on_fault, 0
                    set_gate T_AC, on_fault, 0
                    set_gate T_SYSCALL, on_syscall, 3
                    set_gate IRQ0, on_timer, 0
                    addi r1, r0, 0xFE
                    out PIC_MASK, r1
                    la r8, record
                """);
        for (int i = 0; i < kernel.size(); i++) {
            s.append(kernel.get(i).lines(i));
        }
        if (!user.isEmpty()) {
            s.append("    la r1, user\n    call enter_user\n");
        }
        s.append("""
                finish:
                    cli
                    out TIMER, r0
                    poweroff
                    .include "../on_fault.s"
                on_syscall:
                    addi r10, r10, 1
                    addi sp, sp, 4
                    iret
                on_timer:
                    push r1
                    addi r11, r11, 1
                    addi r1, r0, 0x20
                    out 0x20, r1
                    pop r1
                    addi sp, sp, 4
                    iret
                template_0: addi r3, r3, 1
                template_1: xor r4, r4, r1
                template_2: sub r5, r5, r2
                    .align 4
                record: .space 12 * 160         ; on_fault's record: at most 40 actions, 4 faults each
                data: .space 260
                    .align 16
                nic_tx: .space 32
                nic_rx: .space 32
                    .align 4096
                dma_buf: .space 4096
                """);
        if (paging) {
            s.append("""
                        .segment code_a, CODE_A
                    routine_a:
                        addi r3, r3, 1
                        ret
                        .segment code_b, CODE_B
                    routine_b:
                        addi r3, r3, 100
                        xor r4, r4, r3
                        ret
                    """);
        }
        if (!user.isEmpty()) {
            s.append("    .segment user, USER_BASE\nuser:\n");
            for (int i = 0; i < user.size(); i++) {
                s.append(user.get(i).lines(1000 + i));
            }
            s.append("    int T_EXIT\n");
        }
        return s.toString();
    }

    /** The kernel, assembled. */
    Image image() {
        String name = "org/vmlab/labs/random/kernel.s";
        SourceLoader classpath = SourceLoader.classpath(RandomKernel.class.getClassLoader());
        SourceLoader loader = new SourceLoader() {
            @Override
            public String load(String file) throws java.io.IOException {
                return file.equals(name) ? source() : classpath.load(file);
            }
        };
        try {
            return new Assembler(loader).assemble(name, Map.of());
        } catch (AssemblyException e) {
            throw new IllegalStateException("a random kernel does not assemble: " + e.getMessage()
                    + "\n" + source(), e);
        }
    }
}
