package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
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

/**
 * A front end that writes anything into its ring pages and grant table and notifies at random
 * cannot make a back end throw, nor make it write any frame of the guest's but a ring page and a
 * frame it granted writable to domain 0.
 */
class HostileFrontEndProperties {
    private static final int BLK_PORT = 3;
    private static final int NET_PORT = 4;
    private static final int BLK_RING = 5;
    private static final int TX_RING = 6;
    private static final int RX_RING = 7;
    private static final int FIRST_DATA = 16;
    private static final int DATA_FRAMES = 8;

    /** A grant entry's two words: sometimes right, often not. */
    @Provide
    Arbitrary<List<int[]>> grants() {
        Arbitrary<Integer> flags = Arbitraries.of(0, 1, 2, 3, 1 | SplitAbi.GTF_READONLY, 0x1F, 1 | SplitAbi.GTF_WRITING);
        Arbitrary<Integer> domid = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)), Tuple.of(1, Arbitraries.of(1, 0x7FF0)));
        Arbitrary<Integer> frame = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(FIRST_DATA, FIRST_DATA + DATA_FRAMES - 1)),
                Tuple.of(1, Arbitraries.of(64, 1000, -1, 0x7FFF_FFFF)));
        return Combinators.combine(flags, domid, frame).as((f, d, fr) -> new int[] {d << 16 | f, fr})
                .list().ofSize(16);
    }

    /**
     * A step: 0 a word scribbled on a ring page, 1 a ring's req_prod set and its back end
     * notified, 2 the devices run, 3 a plausible request written in a slot.
     */
    @Provide
    Arbitrary<List<int[]>> steps() {
        Arbitrary<Integer> kind = Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(3, 1), Tuple.of(1, 2), Tuple.of(4, 3));
        Arbitrary<Integer> page = Arbitraries.of(BLK_RING, TX_RING, RX_RING);
        Arbitrary<Integer> word = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 3)),
                Tuple.of(8, Arbitraries.integers().between(16, 16 + 12 * 8)));
        Arbitrary<Integer> value = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 30)),
                Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 5))
                        .as((op, segments) -> op | segments << 8)),
                Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 8))
                        .as((first, last) -> first | last << 8)),
                Tuple.of(1, Arbitraries.integers().between(0, 1600)),
                Tuple.of(1, Arbitraries.integers()));
        return Combinators.combine(kind, page, word, value).as((k, p, w, v) -> new int[] {k, p, w, v})
                .list().ofMinSize(10).ofMaxSize(80);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void theBackEndsNeverThrowAndWriteOnlyWhatWasGrantedWritable(@ForAll("grants") List<int[]> grants,
            @ForAll("steps") List<int[]> steps) {
        SplitVm split = new SplitVm();
        split.setUpGrantTable();
        for (int ring : new int[] {BLK_RING, TX_RING, RX_RING}) {
            split.initRing(ring);
            split.grant(8 + ring - BLK_RING, ring);   // grefs 8, 9, 10: the rings
        }
        split.channels.allocateForBackEnd(BLK_PORT);
        split.channels.allocateForBackEnd(NET_PORT);
        split.words(SplitVm.ARGS, SplitAbi.CONNECT_VBD, 8, BLK_PORT, 8, 0);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.ARGS)).isZero();
        split.words(SplitVm.ARGS, SplitAbi.CONNECT_VIF, 9, 10, NET_PORT, 8);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.ARGS)).isZero();
        Set<Integer> writable = new HashSet<>(List.of(SplitVm.TABLE_FRAME, BLK_RING, TX_RING, RX_RING, SplitVm.ARGS / SplitVm.PAGE));
        for (int i = 0; i < grants.size(); i++) {
            int[] g = grants.get(i);
            split.words(SplitVm.TABLE_FRAME * SplitVm.PAGE + (11 + i) * 8, g[0], g[1]);
            if ((g[0] & 3) == 1 && g[0] >>> 16 == 0 && (g[0] & SplitAbi.GTF_READONLY) == 0) {
                writable.add(g[1]);
            }
        }
        for (int frame = FIRST_DATA; frame < FIRST_DATA + DATA_FRAMES; frame++) {
            split.vm.memory().write(frame * SplitVm.PAGE, BlkbackTest.pattern(SplitVm.PAGE, frame));
        }
        byte[] before = split.vm.memory().read(0, SplitVm.MEMORY);

        for (int[] step : steps) {
            switch (step[0]) {
                case 0 -> split.words(step[1] * SplitVm.PAGE + 4 * step[2], step[3]);
                case 1 -> {
                    split.words(step[1] * SplitVm.PAGE + SplitAbi.RING_REQ_PROD, Math.floorMod(step[3], 24));
                    split.channels.send(step[1] == BLK_RING ? BLK_PORT : NET_PORT);
                }
                case 2 -> split.settle();
                default -> plausibleRequest(split, step[1], step[2] & 7, step[3]);
            }
        }
        split.settle();

        net.jqwik.api.statistics.Statistics.label("answered").collect(split.named("split.blk.responses") > 0,
                split.named("split.net.tx.responses") > 0, split.named("split.ring.overflow"));
        net.jqwik.api.statistics.Statistics.label("disk").collect(split.vm.devices().standard().disk().requests().size() > 0);
        byte[] after = split.vm.memory().read(0, SplitVm.MEMORY);
        for (int frame = 0; frame < SplitVm.MEMORY / SplitVm.PAGE; frame++) {
            if (!writable.contains(frame)) {
                int at = frame * SplitVm.PAGE;
                assertThat(java.util.Arrays.copyOfRange(after, at, at + SplitVm.PAGE))
                        .as("frame %d, never granted writable", frame)
                        .isEqualTo(java.util.Arrays.copyOfRange(before, at, at + SplitVm.PAGE));
            }
        }
    }

    /** A request that may well pass every check, made of {@code seed}'s bits, in slot {@code slot}. */
    private static void plausibleRequest(SplitVm split, int page, int slot, int seed) {
        int gref = 11 + (seed & 15);
        int small = seed >>> 4 & 0xFF;
        if (page == BLK_RING) {
            int at = page * SplitVm.PAGE + SplitAbi.RING_SLOTS + slot * SplitAbi.BLK_SLOT_SIZE;
            split.words(at, (seed >>> 12 & 1) | 1 << 8, seed, small, 0, gref, (small & 3) | (4 + (small & 3)) << 8);
        } else {
            int at = page * SplitVm.PAGE + SplitAbi.RING_SLOTS + slot * SplitAbi.NET_SLOT_SIZE;
            split.words(at, seed, gref, small, 1 + (seed >>> 12 & 0x3FF));
        }
    }
}
