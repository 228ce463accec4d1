package org.vmlab.vmm.overcommit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Whatever the scanner shares, no VM ever sees another's write: for any interleaving of writes
 * into three VMs (by the VMM and by a device's DMA) with scans at any rate, every VM reads exactly
 * what a model of its own memory says it last wrote, and the machine frames in use never exceed
 * the frames the VMs have touched.
 */
class PageSharingScannerProperties {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int VMS = 3;
    private static final int FRAMES = 6;
    /** The words a test writes: the first and the last of a page. */
    private static final int[] OFFSETS = {0, PAGE - 4};

    sealed interface Op {
    }

    record Write(int vm, int gfn, int offset, int value, boolean dma) implements Op {
    }

    record Scan(int vm) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> interleavings() {
        Arbitrary<Integer> vm = Arbitraries.integers().between(0, VMS - 1);
        // few values, so that pages often hold the same bytes and are shared
        Arbitrary<Op> write = Combinators.combine(vm, Arbitraries.integers().between(0, FRAMES - 1),
                Arbitraries.integers().between(0, OFFSETS.length - 1), Arbitraries.integers().between(0, 2),
                Arbitraries.of(true, false))
                .as((v, g, o, value, dma) -> new Write(v, g, OFFSETS[o], value, dma));
        Arbitrary<Op> scan = vm.map(Scan::new);
        return Arbitraries.frequencyOf(Tuple.of(3, write), Tuple.of(1, scan)).list().ofMinSize(30).ofMaxSize(120);
    }

    @Property(tries = 200)
    void noVmEverSeesAnothersWrite(@ForAll("interleavings") List<Op> ops,
            @ForAll("rates") int pagesPerSlice) throws DmaFault {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(1 << 20).build(), VmmCostModel.DEFAULT);
        VirtualMachine[] vms = new VirtualMachine[VMS];
        for (int v = 0; v < VMS; v++) {
            vms[v] = vmm.create(new VmConfig("vm" + v, FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()), null,
                    new PageSharingScannerTest.NoMemory(null));
        }
        PageSharingScanner scanner = new PageSharingScanner(vmm, pagesPerSlice, new MechanismRules());
        int[][][] model = new int[VMS][FRAMES][OFFSETS.length];
        boolean[][] touched = new boolean[VMS][FRAMES];
        boolean writtenWhileShared = false;
        int total = vmm.frames().freeFrames();

        for (Op op : ops) {
            if (op instanceof Write w) {
                VirtualMachine vm = vms[w.vm()];
                int gpa = w.gfn() * PAGE + w.offset();
                writtenWhileShared |= vm.memory().isShared(w.gfn());
                if (w.dma()) {
                    new BoundedDma(vm.memory(), "guest RAM").write(gpa, new byte[] {(byte) w.value(), 0, 0, 0});
                } else {
                    vm.memory().writeWord(gpa, w.value());
                }
                model[w.vm()][w.gfn()][w.offset() == 0 ? 0 : 1] = w.value();
                touched[w.vm()][w.gfn()] = true;
            } else if (op instanceof Scan s) {
                scanner.afterSlice(vms[s.vm()]);
            }
            int touchedFrames = 0;
            for (int v = 0; v < VMS; v++) {
                for (int gfn = 0; gfn < FRAMES; gfn++) {
                    touchedFrames += touched[v][gfn] ? 1 : 0;
                    for (int i = 0; i < OFFSETS.length; i++) {
                        assertThat(vms[v].memory().readWord(gfn * PAGE + OFFSETS[i]))
                                .as("vm%d reads guest frame %d at +0x%x", v, gfn, OFFSETS[i])
                                .isEqualTo(model[v][gfn][i]);
                    }
                }
            }
            assertThat(total - vmm.frames().freeFrames()).as("machine frames in use").isLessThanOrEqualTo(touchedFrames);
        }
        long breaks = 0;
        for (VirtualMachine vm : vms) {
            breaks += vm.counters().named(VirtualMachine.COW_BREAKS);
        }
        Statistics.label("written while shared").collect(writtenWhileShared)
                .coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("shared").collect(scanner.saved() > 0)
                .coverage(c -> c.check(true).percentage(p -> p > 50));
        assertThat(breaks > 0).as("a write to a shared frame is a counted break").isEqualTo(writtenWhileShared);
    }

    @Provide
    Arbitrary<Integer> rates() {
        return Arbitraries.of(1, 2, 5, 64);
    }
}
