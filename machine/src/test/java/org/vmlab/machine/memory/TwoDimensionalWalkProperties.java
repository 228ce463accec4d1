package org.vmlab.machine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.vmlab.machine.Fault;

/**
 * The two-dimensional walk is the guest's walk, composed: with nested tables that map all of
 * guest-physical memory at a fixed offset, read, write and execute, it gives what the machine's
 * one page walk gives over that memory, offset, fault for fault, and the guest's accessed and
 * dirty bits alike.
 */
class TwoDimensionalWalkProperties {
    private static final int OFFSET = 4 << 20;
    private static final int GUEST = 1 << 20;
    private static final int NESTED_DIR = 0x0020_0000;
    private static final int NESTED_TABLE = 0x0020_1000;

    @Property(tries = 300, seed = "20261202")
    void withAnIdentityLikeNestedMappingItIsTheGuestsOwnWalk(
            @ForAll @IntRange(min = 0, max = 3) int pdeBits, @ForAll @IntRange(min = 0, max = 7) int pteBits,
            @ForAll @IntRange(min = 0, max = 1023) int page, @ForAll @IntRange(min = 0, max = 2) int access,
            @ForAll boolean user, @ForAll boolean writeProtect, @ForAll @IntRange(min = 0, max = 4095) int offset) {
        PhysicalMemory nested = new PhysicalMemory(8 << 20);
        PhysicalMemory plain = new PhysicalMemory(GUEST);
        nested.writeWord(NESTED_DIR, NestedPte.of(NESTED_TABLE, NestedPte.PERMISSIONS));
        for (int gfn = 0; gfn < GUEST >>> 12; gfn++) {
            nested.writeWord(NESTED_TABLE + 4 * gfn, NestedPte.of(OFFSET + (gfn << 12), NestedPte.PERMISSIONS));
        }
        int directory = 0x1000;
        int table = 0x2000;
        int frame = 0x10 + page % 0x40;
        int va = 0x0040_0000 | page << 12 | offset;
        int pde = table | Pte.PRESENT | (pdeBits << 1);   // bits 1..2: writable, user
        int pte = frame << 12 | (pteBits & 1) | (pteBits >>> 1 << 1);
        for (PhysicalMemory m : new PhysicalMemory[] {plain, nested}) {
            int base = m == nested ? OFFSET : 0;
            m.writeWord(base + directory + 4 * (va >>> 22), pde);
            m.writeWord(base + table + 4 * (va >>> 12 & 0x3FF), pte);
        }
        int kind = access == 0 ? Mmu.READ : access == 1 ? Mmu.WRITE : Mmu.FETCH;

        Object expected;
        try {
            expected = PageWalk.walk(tablesOf(plain), va, kind, user, directory, writeProtect, true).address();
        } catch (Fault f) {
            expected = f.errorCode();
        }
        Object actual;
        try {
            int machineAddress = new TwoDimensionalWalk(nested).translate(NESTED_DIR, directory, va, kind, user,
                    writeProtect).machineAddress();
            actual = machineAddress - OFFSET;
        } catch (Fault f) {
            actual = f.errorCode();
        }

        assertThat(actual).isEqualTo(expected);
        assertThat(nested.readWord(OFFSET + table + 4 * (va >>> 12 & 0x3FF)))
                .as("the guest's entry, accessed and dirty bits included").isEqualTo(plain.readWord(table + 4 * (va >>> 12 & 0x3FF)));
    }

    private static PageTableMemory tablesOf(PhysicalMemory memory) {
        return new PageTableMemory() {
            @Override
            public int readEntry(int address) {
                return memory.contains(address, 4) ? memory.readWord(address) : 0;
            }

            @Override
            public void writeEntry(int address, int value) {
                memory.writeWord(address, value);
            }
        };
    }
}
