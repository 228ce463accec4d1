package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Sharing, copy-on-write breaks and ballooning never let one VM see another's write: for any
 * interleaving of writes (by the VMM and by DMA), shares, breaks and balloon operations across two
 * VMs, every VM reads exactly what it last wrote, and the frame reference counts add up (each
 * frame is referenced by exactly the entries that map it, and the free pool holds no referenced
 * frame).
 */
class PageSharingProperties {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int FRAMES = 6;
    /** The words a test writes: the first and the last of a page. */
    private static final int[] OFFSETS = {0, PAGE - 4};

    sealed interface Op {
    }

    /** Writes {@code value} at word {@code offset} of guest frame {@code gfn}, by the VMM or by DMA. */
    record Write(int vm, int gfn, int offset, int value, boolean dma) implements Op {
    }

    record Share(int vm, int gfn, int otherVm, int otherGfn) implements Op {
    }

    record Break(int vm, int gfn) implements Op {
    }

    record Balloon(int vm, int gfn) implements Op {
    }

    record Unballoon(int vm, int gfn) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> interleavings() {
        Arbitrary<Integer> vm = Arbitraries.integers().between(0, 1);
        Arbitrary<Integer> gfn = Arbitraries.integers().between(0, FRAMES - 1);
        // few values, so that pages often hold the same bytes and can be shared
        Arbitrary<Op> write = Combinators.combine(vm, gfn, Arbitraries.integers().between(0, OFFSETS.length - 1),
                Arbitraries.integers().between(0, 1), Arbitraries.of(true, false))
                .as((v, g, o, value, dma) -> new Write(v, g, OFFSETS[o], value, dma));
        Arbitrary<Op> share = Combinators.combine(vm, gfn, vm, gfn).as(Share::new);
        Arbitrary<Op> breakSharing = Combinators.combine(vm, gfn).as(Break::new);
        Arbitrary<Op> balloon = Combinators.combine(vm, gfn).as(Balloon::new);
        Arbitrary<Op> unballoon = Combinators.combine(vm, gfn).as(Unballoon::new);
        return Arbitraries.frequencyOf(Tuple.of(6, write), Tuple.of(4, share), Tuple.of(2, breakSharing),
                Tuple.of(1, balloon), Tuple.of(1, unballoon)).list().ofMinSize(40).ofMaxSize(120);
    }

    @Property(tries = 200)
    void everyVmReadsWhatItLastWroteAndTheCountsAddUp(@ForAll("interleavings") List<Op> ops) {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(16 * PAGE), 0);
        GuestPhysicalMemory[] vms = {
            new GuestPhysicalMemory("a", FRAMES * PAGE, FRAMES, frames),
            new GuestPhysicalMemory("b", FRAMES * PAGE, FRAMES, frames),
        };
        DmaSpace[] dma = {new BoundedDma(vms[0], "guest RAM"), new BoundedDma(vms[1], "guest RAM")};
        int[][][] written = new int[2][FRAMES][OFFSETS.length];   // what each VM last wrote where
        boolean[][] ballooned = new boolean[2][FRAMES];
        boolean writtenWhileShared = false;
        boolean sharedAcrossVms = false;

        for (Op op : ops) {
            if (op instanceof Write w) {
                GuestPhysicalMemory memory = vms[w.vm()];
                int gpa = w.gfn() * PAGE + w.offset();
                if (ballooned[w.vm()][w.gfn()]) {
                    assertThatThrownBy(() -> memory.writeWord(gpa, w.value()))
                            .isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class);
                    continue;
                }
                writtenWhileShared |= memory.isShared(w.gfn());
                if (w.dma()) {
                    try {
                        dma[w.vm()].write(gpa, new byte[] {(byte) w.value(), 0, 0, 0});
                    } catch (DmaFault e) {
                        throw new AssertionError(e);
                    }
                } else {
                    memory.writeWord(gpa, w.value());
                }
                written[w.vm()][w.gfn()][indexOf(w.offset())] = w.value();
            } else if (op instanceof Share s) {
                GuestPhysicalMemory mine = vms[s.vm()];
                GuestPhysicalMemory theirs = vms[s.otherVm()];
                if (mine.entry(s.gfn()) instanceof P2mEntry.Backed && theirs.entry(s.otherGfn()) instanceof P2mEntry.Backed) {
                    boolean same = Arrays.equals(written[s.vm()][s.gfn()], written[s.otherVm()][s.otherGfn()]);
                    assertThat(mine.share(s.gfn(), theirs, s.otherGfn())).as("shared if and only if the same bytes")
                            .isEqualTo(same);
                    sharedAcrossVms |= same && s.vm() != s.otherVm();
                }
            } else if (op instanceof Break b) {
                if (vms[b.vm()].isShared(b.gfn())) {
                    vms[b.vm()].breakSharing(b.gfn());
                }
            } else if (op instanceof Balloon b) {
                if (!ballooned[b.vm()][b.gfn()]) {
                    vms[b.vm()].balloon(b.gfn());
                    ballooned[b.vm()][b.gfn()] = true;
                    written[b.vm()][b.gfn()] = new int[OFFSETS.length];
                }
            } else if (op instanceof Unballoon u) {
                if (ballooned[u.vm()][u.gfn()]) {
                    vms[u.vm()].unballoon(u.gfn());
                    ballooned[u.vm()][u.gfn()] = false;
                }
            }
            checkContents(vms, written, ballooned);
            checkCounts(frames, vms);
        }
        checkTheFreePoolHoldsNoMappedFrame(frames, vms);
        // the interleavings do reach what is checked
        Statistics.label("shared across VMs").collect(sharedAcrossVms)
                .coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("written while shared").collect(writtenWhileShared)
                .coverage(c -> c.check(true).percentage(p -> p > 20));
    }

    private static int indexOf(int offset) {
        for (int i = 0; i < OFFSETS.length; i++) {
            if (OFFSETS[i] == offset) {
                return i;
            }
        }
        throw new IllegalArgumentException("offset " + offset);
    }

    private static void checkContents(GuestPhysicalMemory[] vms, int[][][] written, boolean[][] ballooned) {
        for (int v = 0; v < 2; v++) {
            for (int gfn = 0; gfn < FRAMES; gfn++) {
                if (ballooned[v][gfn]) {
                    int gpa = gfn * PAGE;
                    GuestPhysicalMemory memory = vms[v];
                    assertThatThrownBy(() -> memory.readWord(gpa))
                            .isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class);
                    continue;
                }
                for (int i = 0; i < OFFSETS.length; i++) {
                    assertThat(vms[v].readWord(gfn * PAGE + OFFSETS[i]))
                            .as("%s reads guest frame %d at +0x%x", v == 0 ? "a" : "b", gfn, OFFSETS[i])
                            .isEqualTo(written[v][gfn][i]);
                }
            }
        }
    }

    /** Each frame's count is the number of entries that map it; owners say private or shared. */
    private static void checkCounts(MachineFrames frames, GuestPhysicalMemory[] vms) {
        int[] mapped = new int[frames.memory().frames()];
        int entries = 0;
        for (GuestPhysicalMemory memory : vms) {
            int backed = 0;
            int shared = 0;
            for (int gfn = 0; gfn < FRAMES; gfn++) {
                P2mEntry entry = memory.entry(gfn);
                if (entry instanceof P2mEntry.Backed b) {
                    mapped[b.mfn()]++;
                    backed++;
                }
                if (entry instanceof P2mEntry.Shared s) {
                    shared++;
                    assertThat(frames.owner(s.mfn())).isEqualTo(MachineFrames.SHARED);
                } else if (entry instanceof P2mEntry.Ram r) {
                    assertThat(frames.owner(r.mfn())).isEqualTo(memory == vms[0] ? "a" : "b");
                    assertThat(frames.references(r.mfn())).isEqualTo(1);
                }
            }
            assertThat(memory.framesInUse()).isEqualTo(backed);
            assertThat(memory.sharedFrames()).isEqualTo(shared);
            entries += backed;
        }
        int sum = 0;
        int referenced = 0;
        for (int f = 0; f < mapped.length; f++) {
            assertThat(frames.references(f)).as("references of machine frame %d", f).isEqualTo(mapped[f]);
            assertThat(frames.owner(f) == null).as("machine frame %d is free iff unreferenced", f)
                    .isEqualTo(mapped[f] == 0);
            sum += frames.references(f);
            referenced += mapped[f] > 0 ? 1 : 0;
        }
        assertThat(sum).as("the counts add up to the mapped entries").isEqualTo(entries);
        assertThat(frames.freeFrames()).isEqualTo(mapped.length - referenced);
    }

    /** Taking every free frame never hands out one an entry maps. */
    private static void checkTheFreePoolHoldsNoMappedFrame(MachineFrames frames, GuestPhysicalMemory[] vms) {
        Set<Integer> mapped = new HashSet<>();
        for (GuestPhysicalMemory memory : vms) {
            for (int gfn = 0; gfn < FRAMES; gfn++) {
                if (memory.entry(gfn) instanceof P2mEntry.Backed b) {
                    mapped.add(b.mfn());
                }
            }
        }
        while (frames.freeFrames() > 0) {
            assertThat(mapped).doesNotContain(frames.allocate("drain"));
        }
    }
}
