package org.vmlab.vmm;

import java.util.Optional;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Machine;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;

/**
 * Names where a VM's memory first differs from bare metal's, and what lives there, so that
 * "memory's final contents differ" becomes something a student can act on: the guest-physical
 * address, both words, and whether the word is a page-table entry (decoded into its frame and
 * P/W/U/A/D bits), a kernel stack slot, or something a symbol names.
 *
 * @param address     the first guest-physical address (word-aligned) whose words differ
 * @param nativeWord  the word there on bare metal
 * @param virtualWord the word there in the VM
 * @param what        what lives there, in words
 */
public record MemoryDifference(int address, int nativeWord, int virtualWord, String what) {

    /** How far past a symbol an address is still described by it. */
    private static final int SYMBOL_REACH = 4096;

    /**
     * The first difference between {@code bare}'s memory and {@code vm}'s guest-physical memory,
     * over the VM's RAM; empty when they hold the same words.
     */
    public static Optional<MemoryDifference> first(Machine bare, VirtualMachine vm) {
        return first(LockstepSide.of(bare), LockstepSide.of(vm));
    }

    /**
     * The first difference between the memories of two sides, over the smaller; empty when they
     * hold the same words. What lives there is told by the {@code reference} side's state.
     */
    public static Optional<MemoryDifference> first(LockstepSide reference, LockstepSide candidate) {
        int size = Math.min(reference.memoryBytes(), candidate.memoryBytes());
        for (int address = 0; address < size; address += 4) {
            int n = reference.memoryWord(address);
            int v = candidate.memoryWord(address);
            if (n != v) {
                return Optional.of(new MemoryDifference(address, n, v,
                        whatLivesAt(reference, address)));
            }
        }
        return Optional.empty();
    }

    /** The report a student reads. */
    public String describe() {
        return String.format("memory first differs at guest-physical 0x%08x (%s): native 0x%08x,"
                + " yours 0x%08x%s%s", address, what, nativeWord, virtualWord,
                what.contains("page-table entry") || what.contains("page-directory entry")
                        ? " (" + Pte.describe(nativeWord) + " vs " + Pte.describe(virtualWord) + ")"
                        : StateDifference.decoded(nativeWord, virtualWord), hint());
    }

    /** A likely cause, where the two words suggest one. */
    private String hint() {
        boolean entry = what.contains("entry");
        int changed = nativeWord ^ virtualWord;
        if (entry && changed == Pte.ACCESSED || entry && changed == Pte.DIRTY
                || entry && changed == (Pte.ACCESSED | Pte.DIRTY)) {
            return ": only the accessed/dirty bits differ; does your VMM set them in the guest's"
                    + " entries as the hardware walk would?";
        }
        if (what.contains("kernel stack")) {
            return ": a word pushed on the kernel stack; FLAGS pushed by pushf or a trap frame"
                    + " show the ring and IF the guest saw";
        }
        return "";
    }

    /** What {@code address} holds on the reference side, as far as its state tells. */
    static String whatLivesAt(LockstepSide reference, int address) {
        CpuSnapshot state = reference.state();
        int cr3 = state.cr3() & Pte.FRAME_MASK;
        int cr0 = state.cr0();
        int frame = address & Pte.FRAME_MASK;
        int index = (address & 0xFFF) >>> 2;
        if ((cr0 & Registers.CR0_PG) != 0) {
            if (frame == cr3) {
                return String.format("the page-directory entry %d, for virtual 0x%08x..", index,
                        index << 22);
            }
            for (int pdi = 0; pdi < 1024; pdi++) {
                int pde = reference.memoryWord(cr3 + 4 * pdi);
                if ((pde & Pte.PRESENT) != 0 && (pde & Pte.FRAME_MASK) == frame) {
                    return String.format("the page-table entry for virtual 0x%08x", pdi << 22
                            | index << 12);
                }
            }
        }
        int kernelStackTop = state.cr4();
        if (kernelStackTop != 0 && Integer.compareUnsigned(address, kernelStackTop) < 0
                && Integer.compareUnsigned(address, kernelStackTop - 4096) >= 0) {
            return String.format("a kernel stack slot, cr4-0x%x", kernelStackTop - address);
        }
        String symbol = symbolFor(reference.symbols(), address);
        return symbol.isEmpty() ? "data" : symbol;
    }

    private static String symbolFor(SymbolTable symbols, int address) {
        String described = symbols.describe(address);
        if (described.startsWith("0x")) {
            return "";
        }
        int plus = described.indexOf("+0x");
        if (plus >= 0 && Integer.parseUnsignedInt(described.substring(plus + 3), 16) >= SYMBOL_REACH) {
            return "";
        }
        return described;
    }
}
