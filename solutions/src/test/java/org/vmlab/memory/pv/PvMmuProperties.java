package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;

/**
 * A hostile guest makes any sequence of the paravirtual MMU's hypercalls, with any arguments, and
 * its devices write where they like: after every call, direct paging's invariants hold. No
 * validated entry maps a pinned frame writable (or for user code); no present entry of a pinned
 * frame reaches a frame the VM does not own, except a device page; the real MMU walks a pinned
 * directory or the builder's mapping; the frame table's counts are those of the pinned frames'
 * entries; and the VMM never throws.
 */
class PvMmuProperties {
    private static final int P = Pte.PRESENT;
    private static final int W = Pte.WRITABLE;
    private static final int U = Pte.USER;
    private static final int REQ = 0x4000;
    /** A count that is the number of requests written. */
    private static final int AS_MANY = -100;
    private static final Set<Integer> RESULTS = Set.of(0, -Errno.EPERM, -Errno.EINVAL, -Errno.EBUSY,
            -Errno.ESRCH, -Errno.EFAULT);

    /** A frame, as the guest may name one: a guest frame's machine frame, or something else. */
    record Frame(String kind, int value) {
        int mfn(PvVm guest) {
            return switch (kind) {
                case "own" -> guest.mfn(value);
                case "victim" -> guest.victim.memory().machineFrame(value);
                case "vmm" -> guest.victimMmu.root() >>> 12;
                default -> value;
            };
        }
    }

    /**
     * One call: mmu_update (its requests' table indexes, all writing {@code frame}'s number with
     * {@code bits}; variant 1 a command other than 0, 2 a done word it may not write, 3 the
     * directory's entries instead of the table's), update_va_mapping ({@code flagsOrVa} its flags),
     * mmuext_op (its commands, each on {@code frame}, or {@code flagsOrVa} for invlpg), or (number
     * -1) a device's write into guest memory.
     */
    record Call(int number, List<Integer> words, int count, int domain, int flagsOrVa, Frame frame, int bits) {
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Frame> frame = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 15).map(g -> new Frame("own", g))),
                Tuple.of(6, Arbitraries.of(9, 10, 11, 12, 13).map(g -> new Frame("own", g))),
                Tuple.of(2, Arbitraries.of(new Frame("victim", 5), new Frame("vmm", 0), new Frame("raw", 0xF0000),
                        new Frame("raw", 0xE0000), new Frame("raw", -1), new Frame("raw", 0xFFFFF))),
                Tuple.of(1, Arbitraries.integers().map(v -> new Frame("raw", v))));
        Arbitrary<Integer> bits = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(P, P | W, P | U, P | W | U, 0)),
                Tuple.of(1, Arbitraries.of(P | 0x80, W)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFF)));
        Arbitrary<Integer> index = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 16)),
                Tuple.of(1, Arbitraries.integers().between(0, 1023)));
        Arbitrary<Integer> command = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of(0, 1, 4, 5, 6, 7)),
                Tuple.of(1, Arbitraries.integers().between(-2, 40)));
        Arbitrary<Integer> va = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 15).map(g -> g << 12)),
                Tuple.of(1, Arbitraries.of(0x400000, 0x800000, 0x7FFF0000)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> count = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(AS_MANY)),
                Tuple.of(1, Arbitraries.of(-1, 0, 513, Integer.MIN_VALUE)));
        Arbitrary<Integer> domain = Arbitraries.frequency(Tuple.of(12, 0x7FF0), Tuple.of(1, 0));
        Arbitrary<Integer> variant = Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(2, 3), Tuple.of(1, 1),
                Tuple.of(1, 2));
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(0, 1, 2)),
                Tuple.of(1, Arbitraries.integers()));
        // Request words are made when the call runs (they name machine frames); here, their recipe.
        Arbitrary<Call> mmuUpdate = Combinators.combine(index.list().ofMinSize(1).ofMaxSize(3), count, domain,
                frame, bits, variant)
                .as((indexes, n, dom, f, b, v) -> new Call(1, indexes, n, dom, v, f, b));
        Arbitrary<Call> updateVaMapping = Combinators.combine(va, frame, bits, flags)
                .as((v, f, b, fl) -> new Call(14, List.of(v), 0, 0, fl, f, b));
        Arbitrary<Call> mmuextOp = Combinators.combine(command.list().ofMinSize(1).ofMaxSize(3), count, domain,
                frame, va)
                .as((commands, n, dom, f, v) -> new Call(26, commands, n, dom, v, f, 0));
        Arbitrary<Call> deviceWrite = Combinators.combine(Arbitraries.integers().between(0, 0xFFFF / 4),
                frame, bits).as((word, f, b) -> new Call(-1, List.of(word * 4), 0, 0, 0, f, b));
        return Arbitraries.frequencyOf(Tuple.of(4, mmuUpdate), Tuple.of(4, updateVaMapping),
                Tuple.of(5, mmuextOp), Tuple.of(1, deviceWrite))
                .list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 200, seed = "20261202", edgeCases = EdgeCasesMode.NONE)
    void afterEveryCallTheInvariantsHold(@ForAll("calls") List<Call> calls, @ForAll boolean startOnOwnTables) {
        PvVm guest = new PvVm("");
        guest.vm.switchIn();
        buildTables(guest);
        if (startOnOwnTables) {
            assertThat(mmuext(guest, List.of(0, guest.mfn(11), 1, guest.mfn(10), 5, guest.mfn(10)))).isZero();
        }
        invariants(guest);
        for (Call call : calls) {
            int result = run(guest, call);
            assertThat(RESULTS).as("the result of %s", call).contains(result);
            invariants(guest);
        }
    }

    /** The guest's identity tables, as its {@code build} routine writes them. */
    private static void buildTables(PvVm guest) {
        for (int gfn = 0; gfn < 16; gfn++) {
            guest.vm.memory().writeWord(PvVm.L1 + 4 * gfn, guest.mfn(gfn) << 12 | P | (gfn < 10 ? W : 0));
        }
        guest.vm.memory().writeWord(PvVm.L2, guest.mfn(11) << 12 | P | W);
    }

    private static int mmuext(PvVm guest, List<Integer> words) {
        for (int i = 0; i < words.size() / 2; i++) {
            guest.vm.memory().writeWord(REQ + 12 * i, words.get(2 * i));
            guest.vm.memory().writeWord(REQ + 12 * i + 4, words.get(2 * i + 1));
        }
        return call(guest, 26, REQ, words.size() / 2, 0, 0x7FF0);
    }

    private static int call(PvVm guest, int number, int a1, int a2, int a3, int a4) {
        HypercallTable.Entry entry = guest.vm.hypercalls().lookup(number);
        return entry.handler().call(guest.vm, new HypercallTable.Arguments(a1, a2, a3, a4, 0));
    }

    private static int run(PvVm guest, Call call) {
        int target = call.frame().mfn(guest);
        int entry = target << 12 | call.bits();
        switch (call.number()) {
            case 1 -> {
                int l1 = guest.mfn(call.flagsOrVa() == 3 ? 10 : 11);   // mostly the page table, else the directory
                for (int i = 0; i < call.words().size(); i++) {
                    int pointer = (i == 0 && call.bits() == 0 ? target : l1) << 12 | call.words().get(i) << 2;   // 0: a word of the frame
                    guest.vm.memory().writeWord(REQ + 8 * i, pointer | (call.flagsOrVa() == 1 ? 1 : 0));
                    guest.vm.memory().writeWord(REQ + 8 * i + 4, entry);
                }
                int count = call.count() == AS_MANY ? call.words().size() : call.count();
                return call(guest, 1, REQ, count, call.flagsOrVa() == 2 ? PvVm.L1 : 0, call.domain());
            }
            case 14 -> {
                return call(guest, 14, call.words().get(0), entry, call.flagsOrVa(), 0);
            }
            case 26 -> {
                for (int i = 0; i < call.words().size(); i++) {
                    int command = call.words().get(i);
                    guest.vm.memory().writeWord(REQ + 12 * i, command);
                    guest.vm.memory().writeWord(REQ + 12 * i + 4, command == 7 ? call.flagsOrVa() : target);
                }
                int count = call.count() == AS_MANY ? call.words().size() : call.count();
                return call(guest, 26, REQ, count, 0, call.domain());
            }
            default -> {
                guest.vm.memory().writeWord(call.words().get(0), entry);   // as a device's DMA would
                return 0;
            }
        }
    }

    private static void invariants(PvVm guest) {
        FrameTable table = guest.mmu.frameTable();
        PageTableValidator.Frames frames = guest.mmu.frames();
        var machine = guest.vmm.frames().memory();
        int[] writable = new int[machine.frames()];
        int[] inUse = new int[machine.frames()];
        for (int mfn : table.pinnedFrames()) {
            assertThat(guest.vm.memory().owns(mfn)).as("pinned frame %x is the VM's", mfn).isTrue();
            for (int i = 0; i < FrameTable.ENTRIES; i++) {
                int entry = machine.readWord(mfn << 12 | i << 2);
                assertThat(entry & ~(Pte.ACCESSED | Pte.DIRTY)).as("frame %x entry %d as validated", mfn, i)
                        .isEqualTo(table.entry(mfn, i) & ~(Pte.ACCESSED | Pte.DIRTY));
                if ((entry & P) == 0) {
                    continue;
                }
                int target = entry >>> 12;
                if (table.type(mfn) == PageType.L1) {
                    assertThat(frames.owns(target) || frames.isDevicePage(target))
                            .as("entry %x of table %x maps a frame of the VM's or a device page", entry, mfn).isTrue();
                    if (table.pinned(target)) {
                        assertThat(entry & (W | U)).as("entry %x of table %x maps a pinned frame", entry, mfn).isZero();
                    }
                    if ((entry & W) != 0 && target < writable.length) {
                        writable[target]++;
                    }
                } else {
                    assertThat(table.type(target)).as("entry %x of directory %x", entry, mfn).isEqualTo(PageType.L1);
                    assertThat(entry & 0x80).isZero();
                    inUse[target]++;
                }
            }
        }
        if (table.base() != FrameTable.NO_BASE) {
            inUse[table.base()]++;
        }
        for (int mfn = 0; mfn < machine.frames(); mfn++) {
            assertThat(table.writableMappings(mfn)).as("writable mappings of %x", mfn).isEqualTo(writable[mfn]);
            assertThat(table.inUse(mfn)).as("uses of %x", mfn).isEqualTo(inUse[mfn]);
            if (table.pinned(mfn)) {
                assertThat(writable[mfn]).as("pinned %x mapped writable", mfn).isZero();
            }
        }
        int cr3 = guest.vm.host().mmu().cr3();
        assertThat(guest.vm.host().mmu().cr0() & (Registers.CR0_PG | Registers.CR0_WP))
                .isEqualTo(Registers.CR0_PG | Registers.CR0_WP);
        if (guest.mmu.onBuilderMapping()) {
            assertThat(cr3).isEqualTo(guest.mmu.root());
            assertThat(guest.vmm.frames().owner(cr3 >>> 12)).isEqualTo("vmm");
            for (int gfn = 0; gfn < guest.vm.memory().frames(); gfn++) {
                int entry = guest.mmu.builder().entry(gfn);
                assertThat(entry >>> 12).isEqualTo(guest.mfn(gfn));
                assertThat((entry & W) == 0).as("the builder maps guest frame %d read-only", gfn)
                        .isEqualTo(table.pinned(guest.mfn(gfn)));
            }
        } else {
            assertThat(cr3 >>> 12).isEqualTo(table.base());
            assertThat(table.type(table.base())).isEqualTo(PageType.L2);
            assertThat(guest.vm.vcpu().controlRegister(Registers.CR3)).isEqualTo(cr3);
        }
        assertThat(guest.victim.memory().readWord(PvVm.DATA)).isEqualTo(PvVm.SECRET);
    }
}
