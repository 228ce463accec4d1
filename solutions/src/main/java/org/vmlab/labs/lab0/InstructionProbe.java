package org.vmlab.labs.lab0;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * Runs single instructions on fresh machines of one ISA variant and reports what they did.
 *
 * <p>Each run builds a 512 KiB machine (enough for the relocated page tables at 0x61000; a
 * smaller machine is quicker to build, and the probe builds thousands) with paging on, puts one instruction at {@link #CODE},
 * starts it in the chosen ring with the same registers, data and stack, and lets exactly one
 * instruction retire (fuel 1). Interrupts are off in ring 0 with the native layout, and on
 * otherwise: under a monitor the real IF stays on, and user code runs with it on. Every vector of the interrupt table leads to a
 * {@code hlt}, so a trap is seen as the vector that was entered. The probe knows nothing about
 * the instruction beyond its encoding: every instruction gets the operands {@code ra = r1},
 * {@code rb = r2}, {@code rc = r3} and the immediate 4 ({@code int 4}, {@code cr4}, port 4,
 * {@code 4(r2)}, a branch 4 words ahead).
 *
 * <p>Virtual layout: the interrupt table at 0x0000 (native) or 0x3000 (relocated), its handler
 * at 0x0800, the code at 0x1000, data at 0x4000, the stack pointer at 0x6F00, the kernel stack
 * (cr4) at 0x9000 (0x8800 relocated). Natively every page is in the frame of the same number;
 * relocated, 0x40000 higher, and in ring 0 cr0's write protection is on.
 */
public final class InstructionProbe {
    public static final int CODE = 0x1000;
    public static final int DATA = 0x4000;
    public static final int STACK = 0x6F00;
    public static final int KERNEL_STACK = 0x9000;
    public static final int MONITOR_KERNEL_STACK = 0x8800;
    static final int HANDLER = 0x0800;
    static final int RELOCATION = 0x40000;
    private static final int[] USER_PAGES = {1, 4, 6};
    private static final int[] SUPERVISOR_PAGES = {0, 3, 8};
    private static final int MEMORY = 512 << 10;

    private final IsaVariant isa;

    public InstructionProbe(IsaVariant isa) {
        this.isa = isa;
    }

    public IsaVariant isa() {
        return isa;
    }

    /** Runs {@code op} in ring 0 and ring 3, each in both layouts. */
    public Observations observe(Opcode op) {
        return new Observations(op.mnemonic(), isa.name(),
                run(op, 0, Layout.NATIVE), run(op, 3, Layout.NATIVE),
                run(op, 0, Layout.RELOCATED), run(op, 3, Layout.RELOCATED));
    }

    /** The instruction word the probe runs for {@code op}. */
    public static int instructionWord(Opcode op) {
        return new Instruction(op, 1, 2, 3, 4).encode();
    }

    /** Runs {@code op} once, on a fresh machine, in {@code ring} with the given layout. */
    public Outcome run(Opcode op, int ring, Layout layout) {
        Machine m = new Machine(MachineConfig.builder().isa(isa).memoryBytes(MEMORY).fuel(1).build());
        int offset = layout == Layout.RELOCATED ? RELOCATION : 0;
        int idt = layout == Layout.RELOCATED ? 0x3000 : 0x0000;

        // Page tables: a directory and one table, after the pages they map.
        int directory = 0x20000 + offset;
        int table = directory + 0x1000;
        m.memory().writeWord(directory, Pte.entry(table, Pte.PRESENT | Pte.WRITABLE | Pte.USER));
        for (int vpn : USER_PAGES) {
            m.memory().writeWord(table + 4 * vpn,
                    Pte.entry((vpn << 12) + offset, Pte.PRESENT | Pte.WRITABLE | Pte.USER));
        }
        for (int vpn : SUPERVISOR_PAGES) {
            m.memory().writeWord(table + 4 * vpn,
                    Pte.entry((vpn << 12) + offset, Pte.PRESENT | Pte.WRITABLE));
        }

        // Interrupt table, handler, the instruction, data and stack (physical = virtual + offset).
        for (int v = 0; v < Vector.COUNT; v++) {
            m.memory().writeWord(idt + offset + 4 * v, HANDLER | 3);
        }
        m.memory().writeWord(HANDLER + offset, new Instruction(Opcode.HLT, 0, 0, 0, 0).encode());
        m.memory().writeWord(CODE + offset, instructionWord(op));
        for (int i = 0; i < 16; i++) {
            m.memory().writeWord(DATA + offset + 4 * i, 0x1111_0000 + i);
        }
        m.memory().writeWord(STACK + offset,
                Registers.FLAG_IF | Registers.FLAG_Z | Registers.FLAG_C);
        m.memory().writeWord(STACK + offset + 4,
                3 << Registers.CPL_SHIFT | Registers.FLAG_IF | Registers.FLAG_N);
        m.memory().writeWord(STACK + offset + 8, STACK - 0x100);

        var cpu = m.cpu();
        cpu.setIdtr(idt);
        cpu.setControlRegister(Registers.CR3, directory);
        // A monitor's own supervisor state differs from its guest's: its kernel stack and, while
        // it runs in ring 0, cr0's write protection. (cr0 as user code sees it through smsw is
        // kept equal: a monitor runs its guest's user code with the status bits it expects.)
        boolean monitor = layout == Layout.RELOCATED;
        cpu.setControlRegister(Registers.CR4, monitor ? MONITOR_KERNEL_STACK : KERNEL_STACK);
        cpu.setControlRegister(Registers.CR0, Registers.CR0_PG
                | (monitor && ring == 0 ? Registers.CR0_WP : 0));
        cpu.setRegister(1, DATA + 0x10);
        cpu.setRegister(2, DATA);
        cpu.setRegister(3, 7);
        for (int r = 4; r <= 12; r++) {
            cpu.setRegister(r, 0x100 * r + r);
        }
        cpu.setRegister(15, DATA + 0x20);
        cpu.setRegister(Registers.SP, STACK);
        // Interrupts: off in a native ring 0 (a kernel in a critical section), on under a monitor
        // (which keeps the real IF on whatever the guest believes) and in user mode.
        boolean interrupts = ring == 3 || layout == Layout.RELOCATED;
        cpu.setFlags(ring << Registers.CPL_SHIFT | (interrupts ? Registers.FLAG_IF : 0));
        cpu.setPc(CODE);
        // Cache every page, so that only an instruction that drops translations changes the TLB.
        for (int vpn : USER_PAGES) {
            m.mmu().translate(vpn << 12, org.vmlab.machine.memory.Mmu.WRITE, 0);
        }
        for (int vpn : SUPERVISOR_PAGES) {
            m.mmu().translate(vpn << 12, org.vmlab.machine.memory.Mmu.WRITE, 0);
        }

        long[] counts = new long[Vector.COUNT];
        for (int v = 0; v < Vector.COUNT; v++) {
            counts[v] = cpu.vectorCount(v);
        }
        Configuration before = configuration(m, true);
        // The CPU alone: Machine.run would also fingerprint all of RAM, which the probe never reads.
        StopReason stopped = m.cpu().run(1);
        int vector = -1;
        for (int v = 0; v < Vector.COUNT && vector < 0; v++) {
            if (cpu.vectorCount(v) != counts[v]) {
                vector = v;
            }
        }
        Configuration after = configuration(m, stopped == StopReason.FUEL_EXHAUSTED
                && vector < 0);
        List<String> effect = new ArrayList<>();
        if (vector >= 0) {
            effect.add("trap " + vector);
        } else {
            for (int r = 1; r < Registers.COUNT; r++) {
                effect.add(String.format("r%d=0x%x", r, cpu.register(r)));
            }
            effect.add(String.format("pc=0x%x", cpu.pc()));
            effect.add(String.format("ZNCV=0x%x", cpu.flags() & Registers.CONDITION_BITS));
            for (int i = 0; i < 16; i++) {
                effect.add(String.format("M[0x%x]=0x%x", DATA + 4 * i,
                        m.memory().readWord(DATA + offset + 4 * i)));
            }
            for (int a = STACK - 16; a < STACK + 16; a += 4) {
                effect.add(String.format("M[0x%x]=0x%x", a, m.memory().readWord(a + offset)));
            }
        }
        return new Outcome(ring, layout, vector, before, after, effect);
    }

    private static Configuration configuration(Machine m, boolean running) {
        var cpu = m.cpu();
        List<Integer> cr = new ArrayList<>();
        for (int n : new int[] {Registers.CR0, Registers.CR2, Registers.CR3, Registers.CR4,
                Registers.CR5}) {
            cr.add(cpu.controlRegister(n));
        }
        return new Configuration(cpu.cpl(), cpu.interruptsEnabled(), cpu.idtr(), cr,
                m.mmu().tlb().validEntries(), cpu.portAccesses(), running);
    }
}
