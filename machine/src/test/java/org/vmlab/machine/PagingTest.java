package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;
import static org.vmlab.machine.isa.Vector.PF_FETCH;
import static org.vmlab.machine.isa.Vector.PF_PRESENT;
import static org.vmlab.machine.isa.Vector.PF_USER;
import static org.vmlab.machine.isa.Vector.PF_WRITE;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * Paging as {@code docs/isa.md} specifies it: two-level translation, accessed and dirty bits,
 * page-fault error codes, write protection, a TLB that is not coherent with the page tables and is
 * flushed (or not, when tagged) on address-space switches, and memory-mapped I/O behind it all.
 *
 * <p>Every test builds its page tables from Java on the {@link Bench}: the low 192 KiB are
 * identity-mapped for the supervisor (interrupt table, handlers, code, stacks, page tables), and
 * each test maps what it needs above, at {@link #VA} (directory entry 1, a page table of its own).
 */
class PagingTest {
    static final int P = Pte.PRESENT;
    static final int W = Pte.WRITABLE;
    static final int U = Pte.USER;

    /** The virtual page the tests map; in directory slot 1, away from the identity map. */
    static final int VA = 0x0040_0000;
    /** Physical frames outside the identity map. */
    static final int FRAME_A = 0x3_0000;
    static final int FRAME_B = 0x3_1000;

    private final Bench bench = Bench.classic();

    /** Pages a ring-3 test needs: its code and its stack, user read-write. */
    private static void userPages(PageTables tables) {
        tables.map(Bench.CODE, Bench.CODE, P | W | U);
        tables.map(Bench.USER_STACK - 0x1000, Bench.USER_STACK - 0x1000, P | W | U);
    }

    // --- translation ---------------------------------------------------------------------------

    @Test
    void aVirtualAddressIsTranslatedThroughTheDirectoryAndThePageTable() {
        PageTables tables = bench.paging();
        tables.map(VA, FRAME_A, P | W);
        bench.machine.loadWords(FRAME_A + 0x124, 0xCAFE);
        bench.reg(5, VA + 0x124);
        bench.code(rri(Opcode.LW, 1, 5, 0), rri(Opcode.ADDI, 2, 0, 77), rri(Opcode.SW, 2, 5, 4), i(Opcode.HLT));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(bench.r(1)).as("read through the mapping").isEqualTo(0xCAFE);
        assertThat(bench.word(FRAME_A + 0x128)).as("written through the mapping").isEqualTo(77);
    }

    @Test
    void aReadSetsTheAccessedBitInBothLevelsButNotTheDirtyBit() {
        PageTables tables = bench.paging();
        tables.map(VA, FRAME_A, P | W);
        assertThat(tables.pde(VA) & Pte.ACCESSED).as("accessed before use").isZero();
        bench.reg(5, VA);
        bench.code(rri(Opcode.LW, 1, 5, 0), i(Opcode.HLT));

        bench.run();

        assertThat(tables.pde(VA) & Pte.ACCESSED).as("directory entry accessed").isNotZero();
        assertThat(tables.pte(VA) & Pte.ACCESSED).as("page-table entry accessed").isNotZero();
        assertThat(tables.pte(VA) & Pte.DIRTY).as("page-table entry dirty").isZero();
    }

    @Test
    void aWriteSetsTheDirtyBitEvenWhenTheTlbAlreadyHoldsTheTranslationFromARead() {
        PageTables tables = bench.paging();
        tables.map(VA, FRAME_A, P | W);
        bench.reg(5, VA);
        bench.code(rri(Opcode.LW, 1, 5, 0), rri(Opcode.SW, 1, 5, 0), i(Opcode.HLT));

        bench.run();

        assertThat(tables.pte(VA) & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED | Pte.DIRTY);
        assertThat(tables.pde(VA) & Pte.DIRTY).as("the directory entry has no dirty bit").isZero();
    }

    // --- page faults ---------------------------------------------------------------------------

    enum Access {
        READ(rri(Opcode.LW, 1, 5, 0)),
        WRITE(rri(Opcode.SW, 1, 5, 0)),
        FETCH(i(Opcode.JR, 0, 5, 0, 0));

        final int instruction;

        Access(int instruction) {
            this.instruction = instruction;
        }
    }

    static Stream<Arguments> faults() {
        int absent = -1;
        return Stream.of(
                Arguments.of("read of a not-present page", 0, Access.READ, P | W | U, absent, 0),
                Arguments.of("read through a not-present directory entry", 0, Access.READ, 0, 0, 0),
                Arguments.of("ring-3 write to a not-present page", 3, Access.WRITE, P | W | U, absent, PF_WRITE | PF_USER),
                Arguments.of("ring-3 write to a read-only page", 3, Access.WRITE, P | W | U, P | U, PF_PRESENT | PF_WRITE | PF_USER),
                Arguments.of("ring-3 write where only the directory is read-only", 3, Access.WRITE, P | U, P | W | U, PF_PRESENT | PF_WRITE | PF_USER),
                Arguments.of("ring-3 read of a supervisor page", 3, Access.READ, P | W | U, P | W, PF_PRESENT | PF_USER),
                Arguments.of("ring-3 read where only the directory is supervisor", 3, Access.READ, P | W, P | W | U, PF_PRESENT | PF_USER),
                Arguments.of("instruction fetch from a not-present page", 0, Access.FETCH, P | W | U, absent, PF_FETCH),
                Arguments.of("ring-3 instruction fetch from a not-present page", 3, Access.FETCH, P | W | U, absent, PF_FETCH | PF_USER),
                Arguments.of("ring-3 instruction fetch from a supervisor page", 3, Access.FETCH, P | W | U, P | W, PF_PRESENT | PF_FETCH | PF_USER));
    }

    @ParameterizedTest(name = "{0}: error code {5}")
    @MethodSource("faults")
    void aPageFaultReportsWhyInItsErrorCodeWithCr2TheAddressAndPcTheFaultingInstruction(
            String what, int ring, Access access, int pdeFlags, int pteFlags, int errorCode) {
        PageTables tables = bench.paging();
        userPages(tables);
        if (pteFlags >= 0) {
            tables.map(VA, FRAME_A, pteFlags);
        } else {
            tables.map(VA, FRAME_A, 0);   // the table exists, the page is not present
        }
        tables.setPde(VA, pdeFlags == 0 ? 0 : (tables.pde(VA) & Pte.FRAME_MASK) | pdeFlags);
        int address = access == Access.FETCH ? VA + 0x40 : VA + 0x124;
        bench.ring(ring).reg(5, address);
        int at = bench.code(access.instruction, i(Opcode.HLT));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.PAGE_FAULT);
        int[] frame = bench.trapFrame();
        assertThat(frame[0]).as("error code").isEqualTo(errorCode);
        assertThat(bench.cpu().controlRegister(Registers.CR2)).as("cr2").isEqualTo(address);
        assertThat(frame[1]).as("pushed pc: the instruction that faulted")
                .isEqualTo(access == Access.FETCH ? address : at);
        assertThat(bench.word(FRAME_A + 0x124)).as("the faulting write did not happen").isZero();
    }

    @ParameterizedTest(name = "cr0.WP={0}: a ring-0 write to a read-only page {1}")
    @CsvSource({"false, is allowed", "true, faults"})
    void writeProtectDecidesWhetherTheSupervisorHonoursReadOnlyPages(boolean wp, String outcome) {
        PageTables tables = bench.paging();
        tables.map(VA, FRAME_A, P);
        if (wp) {
            bench.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
        }
        bench.reg(1, 42).reg(5, VA);
        int at = bench.code(rri(Opcode.SW, 1, 5, 0), i(Opcode.HLT));

        bench.run();

        if (wp) {
            assertThat(bench.trappedVector()).isEqualTo(Vector.PAGE_FAULT);
            assertThat(bench.trapFrame()[0]).isEqualTo(PF_PRESENT | PF_WRITE);
            assertThat(bench.trapFrame()[1]).isEqualTo(at);
            assertThat(bench.word(FRAME_A)).isZero();
        } else {
            assertThat(bench.trappedVector()).isEqualTo(-1);
            assertThat(bench.word(FRAME_A)).isEqualTo(42);
            assertThat(tables.pte(VA) & Pte.DIRTY).isNotZero();
        }
    }

    // --- the TLB -------------------------------------------------------------------------------

    @Test
    void theTlbIsNotCoherentAfterAPteChangeTheOldTranslationStaysUntilInvlpg() {
        PageTables tables = bench.paging();
        int pte = tables.map(VA, FRAME_A, P | W);
        bench.machine.loadWords(FRAME_A, 0xAAAA);
        bench.machine.loadWords(FRAME_B, 0xBBBB);
        bench.reg(5, VA).reg(6, Pte.entry(FRAME_B, P | W)).reg(7, pte);
        bench.code(
                rri(Opcode.LW, 1, 5, 0),      // fills the TLB: VA -> A
                rri(Opcode.SW, 6, 7, 0),      // the kernel remaps VA -> B in the page table
                rri(Opcode.LW, 2, 5, 0),      // still A: the TLB was not told
                i(Opcode.INVLPG, 0, 5, 0, 0),
                rri(Opcode.LW, 3, 5, 0),      // B
                i(Opcode.HLT));

        bench.run();

        assertThat(bench.r(1)).isEqualTo(0xAAAA);
        assertThat(bench.r(2)).as("stale translation before invlpg").isEqualTo(0xAAAA);
        assertThat(bench.r(3)).as("new translation after invlpg").isEqualTo(0xBBBB);
    }

    @Test
    void writingCr3FlushesUntaggedEntriesSoEveryPageIsWalkedAgain() {
        PageTables tables = bench.paging();
        tables.map(VA, FRAME_A, P | W);
        bench.reg(5, VA).reg(8, tables.directory);
        bench.code(rri(Opcode.LW, 1, 5, 0), i(Opcode.MTCR, Registers.CR3, 8, 0, Registers.CR3),
                rri(Opcode.LW, 1, 5, 0), i(Opcode.HLT));
        long flushes = bench.machine.mmu().tlb().flushes();
        long misses = bench.machine.mmu().tlb().misses();

        bench.run();

        assertThat(bench.machine.mmu().tlb().flushes() - flushes).as("flushes").isEqualTo(1);
        assertThat(bench.machine.mmu().tlb().misses() - misses)
                .as("misses: the code page and the data page, before and after the switch").isEqualTo(4);
    }

    @Test
    void taggedEntriesOfAnotherAddressSpaceDoNotMatch() {
        PageTables one = bench.paging();
        PageTables two = new PageTables(bench.machine.memory(), 0x28000, 0x29000)
                .identity(0, Bench.IDENTITY_END, P | W);
        one.map(VA, FRAME_A, P | W);
        two.map(VA, FRAME_B, P | W);
        bench.machine.loadWords(FRAME_A, 0xAAAA);
        bench.machine.loadWords(FRAME_B, 0xBBBB);
        bench.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_TAG);
        bench.cpu().setControlRegister(Registers.CR5, 1);
        bench.reg(5, VA).reg(8, two.directory).reg(9, 2);
        bench.code(rri(Opcode.LW, 1, 5, 0),                                  // space 1: A
                i(Opcode.MTCR, 0, 9, 0, Registers.CR5), i(Opcode.MTCR, 0, 8, 0, Registers.CR3),
                rri(Opcode.LW, 2, 5, 0),                                     // space 2: B, not A
                i(Opcode.HLT));
        long flushes = bench.machine.mmu().tlb().flushes();

        bench.run();

        assertThat(bench.r(1)).isEqualTo(0xAAAA);
        assertThat(bench.r(2)).isEqualTo(0xBBBB);
        assertThat(bench.machine.mmu().tlb().flushes()).as("no flush when tagged").isEqualTo(flushes);
    }

    @Test
    void taggedEntriesSurviveACr3SwitchAndAreUsedOnReturn() {
        PageTables one = bench.paging();
        PageTables two = new PageTables(bench.machine.memory(), 0x28000, 0x29000)
                .identity(0, Bench.IDENTITY_END, P | W);
        int pteInOne = one.map(VA, FRAME_A, P | W);
        int other = VA + 0x2000;   // a different TLB slot
        two.map(other, FRAME_B, P | W);
        bench.machine.loadWords(FRAME_A, 0xAAAA);
        bench.machine.loadWords(FRAME_B, 0xBBBB);
        bench.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_TAG);
        bench.cpu().setControlRegister(Registers.CR5, 1);
        bench.reg(5, VA).reg(6, other)
                .reg(8, two.directory).reg(9, 2).reg(10, one.directory).reg(11, 1)
                .reg(7, pteInOne).reg(12, Pte.entry(FRAME_B, P | W));
        bench.code(rri(Opcode.LW, 1, 5, 0),                                   // space 1: VA -> A cached
                i(Opcode.MTCR, 0, 9, 0, Registers.CR5), i(Opcode.MTCR, 0, 8, 0, Registers.CR3),
                rri(Opcode.LW, 2, 6, 0),                                      // space 2 works
                rri(Opcode.SW, 12, 7, 0),                                     // remap VA in space 1 to B
                i(Opcode.MTCR, 0, 11, 0, Registers.CR5), i(Opcode.MTCR, 0, 10, 0, Registers.CR3),
                rri(Opcode.LW, 3, 5, 0),                                      // the cached A survived
                i(Opcode.INVLPG, 0, 5, 0, 0),
                rri(Opcode.LW, 4, 5, 0),                                      // now B
                i(Opcode.HLT));
        long flushes = bench.machine.mmu().tlb().flushes();

        bench.run();

        assertThat(bench.r(2)).isEqualTo(0xBBBB);
        assertThat(bench.r(3)).as("space 1's entry survived the switches").isEqualTo(0xAAAA);
        assertThat(bench.r(4)).isEqualTo(0xBBBB);
        assertThat(bench.machine.mmu().tlb().flushes()).isEqualTo(flushes);
    }

    @Test
    void withoutTagsTheSameSwitchesFlushAndTheEntryIsLost() {
        PageTables one = bench.paging();
        int pteInOne = one.map(VA, FRAME_A, P | W);
        bench.machine.loadWords(FRAME_A, 0xAAAA);
        bench.machine.loadWords(FRAME_B, 0xBBBB);
        bench.reg(5, VA).reg(10, one.directory).reg(7, pteInOne).reg(12, Pte.entry(FRAME_B, P | W));
        bench.code(rri(Opcode.LW, 1, 5, 0), rri(Opcode.SW, 12, 7, 0),
                i(Opcode.MTCR, 0, 10, 0, Registers.CR3), rri(Opcode.LW, 3, 5, 0), i(Opcode.HLT));

        bench.run();

        assertThat(bench.r(1)).isEqualTo(0xAAAA);
        assertThat(bench.r(3)).as("walked again after the flush").isEqualTo(0xBBBB);
    }

    @ParameterizedTest(name = "pages 0x{0} and 0x{1}, TLB of 4 entries: {2} misses")
    @CsvSource({
            "400000, 404000, 17, the same slot: each access evicts the other",
            "400000, 402000, 3, different slots: each is walked once"})
    void aDirectMappedTlbHoldsOnePagePerSlot(String first, String second, int misses, String why) {
        Bench small = new Bench(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(1 << 20)
                .tlbEntries(4).fuel(1_000_000).build());
        PageTables tables = small.paging();
        int a = Integer.parseInt(first, 16);
        int b = Integer.parseInt(second, 16);
        tables.map(a, FRAME_A, P | W);
        tables.map(b, FRAME_B, P | W);
        small.reg(5, a).reg(6, b).reg(4, 8);
        int loop = small.code(rri(Opcode.LW, 1, 5, 0), rri(Opcode.LW, 2, 6, 0),
                rri(Opcode.ADDI, 4, 4, -1), rri(Opcode.CMPI, 0, 4, 0));
        small.code(Bench.branch(Opcode.BNE, small.here(), loop), i(Opcode.HLT));
        long before = small.machine.mmu().tlb().misses();

        small.run();

        assertThat(small.machine.mmu().tlb().misses() - before)
                .as("the code page once, then %s", why).isEqualTo(misses);
    }

    // --- memory-mapped I/O ---------------------------------------------------------------------

    @Test
    void loadsAndStoresBeyondRamReachTheNetworkInterfaceRegisters() {
        bench.reg(2, NetworkInterface.BASE).reg(1, 5);
        bench.code(rri(Opcode.SW, 1, 2, NetworkInterface.RX_SIZE),
                rri(Opcode.LW, 3, 2, NetworkInterface.RX_SIZE),
                rri(Opcode.LW, 4, 2, NetworkInterface.TX_SIZE), i(Opcode.HLT));

        bench.run();

        assertThat(bench.machine.devices().nic().read(NetworkInterface.RX_SIZE)).isEqualTo(5);
        assertThat(bench.r(3)).isEqualTo(5);
        assertThat(bench.r(4)).as("a register nobody wrote").isZero();
    }

    @Test
    void aPageMappedToTheDeviceWindowReachesTheNetworkInterfaceRegisters() {
        PageTables tables = bench.paging();
        tables.map(VA, NetworkInterface.BASE, P | W);
        bench.reg(2, VA).reg(1, 7);
        bench.code(rri(Opcode.SW, 1, 2, NetworkInterface.TX_SIZE),
                rri(Opcode.LW, 3, 2, NetworkInterface.TX_SIZE), i(Opcode.HLT));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(-1);
        assertThat(bench.machine.devices().nic().read(NetworkInterface.TX_SIZE)).isEqualTo(7);
        assertThat(bench.r(3)).isEqualTo(7);
    }

    @Nested
    class WhenPagingIsOff {
        @Test
        void addressesArePhysical() {
            bench.machine.loadWords(Bench.DATA, 99);
            bench.reg(5, Bench.DATA);
            bench.code(rri(Opcode.LW, 1, 5, 0), i(Opcode.HLT));

            bench.run();

            assertThat(bench.r(1)).isEqualTo(99);
            assertThat(bench.machine.mmu().tlb().misses()).as("the TLB is not consulted").isZero();
        }
    }
}
