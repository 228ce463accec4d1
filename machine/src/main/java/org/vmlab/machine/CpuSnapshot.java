package org.vmlab.machine;

import java.util.Arrays;

/**
 * The guest-visible processor state at one moment: general registers, pc, FLAGS and control
 * registers. Two runs that agree on this (and on memory) ended in the same state.
 */
public record CpuSnapshot(int[] registers, int pc, int flags, int cr0, int cr2, int cr3, int cr4,
                          int cr5, int idtr) {

    public CpuSnapshot {
        registers = registers.clone();
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }

    /** The current privilege level held in FLAGS. */
    public int cpl() {
        return (flags & org.vmlab.machine.isa.Registers.CPL_MASK) >>> org.vmlab.machine.isa.Registers.CPL_SHIFT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSnapshot s && Arrays.equals(registers, s.registers) && pc == s.pc
                && flags == s.flags && cr0 == s.cr0 && cr2 == s.cr2 && cr3 == s.cr3 && cr4 == s.cr4
                && cr5 == s.cr5 && idtr == s.idtr;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(registers) * 31 + java.util.Objects.hash(pc, flags, cr0, cr2, cr3, cr4, cr5, idtr);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < registers.length; i++) {
            sb.append(org.vmlab.machine.isa.Registers.name(i)).append('=')
                    .append(String.format("0x%08x", registers[i])).append(i % 4 == 3 ? "\n" : " ");
        }
        sb.append(String.format("pc=0x%08x flags=0x%08x (cpl %d) cr0=0x%x cr2=0x%08x cr3=0x%08x "
                + "cr4=0x%08x cr5=0x%x idtr=0x%08x", pc, flags, cpl(), cr0, cr2, cr3, cr4, cr5, idtr));
        return sb.toString();
    }
}
