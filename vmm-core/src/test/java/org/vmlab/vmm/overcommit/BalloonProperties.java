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
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Whatever guests write to their balloons, frame numbers good or bogus, inflates and deflates in
 * any order, between writes of their own memory with page-sharing scans among them: nothing
 * throws; each device's set of frames given back is exactly the p2m's ballooned frames; every
 * status is what a model of the set says; no VM ever reads another's data (a frame it took back
 * reads as zeros, the rest as it last wrote them); and no machine frame is lost.
 */
class BalloonProperties {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int VMS = 2;
    private static final int FRAMES = 6;

    sealed interface Op {
    }

    record Write(int vm, int gfn, int value) implements Op {
    }

    record Inflate(int vm, int frame) implements Op {
    }

    record Deflate(int vm, int frame) implements Op {
    }

    record Scan(int vm) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> interleavings() {
        Arbitrary<Integer> vm = Arbitraries.integers().between(0, VMS - 1);
        // frame numbers mostly of RAM, some beyond it, some negative
        Arbitrary<Integer> frame = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, FRAMES - 1)),
                Tuple.of(1, Arbitraries.integers().between(FRAMES, 1 << 20)), Tuple.of(1, Arbitraries.integers()
                        .between(Integer.MIN_VALUE, -1)));
        Arbitrary<Op> write = Combinators.combine(vm, Arbitraries.integers().between(0, FRAMES - 1),
                Arbitraries.integers().between(0, 2)).as(Write::new);
        Arbitrary<Op> inflate = Combinators.combine(vm, frame).as(Inflate::new);
        Arbitrary<Op> deflate = Combinators.combine(vm, frame).as(Deflate::new);
        return Arbitraries.frequencyOf(Tuple.of(3, write), Tuple.of(2, inflate), Tuple.of(2, deflate),
                Tuple.of(1, vm.map(Scan::new))).list().ofMinSize(20).ofMaxSize(100);
    }

    @Property(tries = 200)
    void theBalloonKeepsTheP2mTheDeviceAndEveryVmsDataConsistent(@ForAll("interleavings") List<Op> ops) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(1 << 20).build(), VmmCostModel.DEFAULT);
        VirtualMachine[] vms = new VirtualMachine[VMS];
        for (int v = 0; v < VMS; v++) {
            vms[v] = vmm.create(new VmConfig("vm" + v, FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()), null,
                    new PageSharingScannerTest.NoMemory(null));
        }
        PageSharingScanner scanner = new PageSharingScanner(vmm, 4, new MechanismRules());
        int[][] model = new int[VMS][FRAMES];
        boolean[][] givenBack = new boolean[VMS][FRAMES];
        int total = vmm.frames().freeFrames();

        for (Op op : ops) {
            if (op instanceof Write w) {
                if (!givenBack[w.vm()][w.gfn()]) {   // a driver never touches what it gave back
                    vms[w.vm()].memory().writeWord(w.gfn() * PAGE, w.value());
                    model[w.vm()][w.gfn()] = w.value();
                }
            } else if (op instanceof Inflate i) {
                int expected = i.frame() < 0 || i.frame() >= FRAMES ? BalloonDevice.NOT_RAM
                        : givenBack[i.vm()][i.frame()] ? BalloonDevice.WRONG_STATE : BalloonDevice.ACCEPTED;
                assertThat(port(vms[i.vm()], BalloonDevice.INFLATE_PORT, i.frame())).isEqualTo(expected);
                if (expected == BalloonDevice.ACCEPTED) {
                    givenBack[i.vm()][i.frame()] = true;
                    model[i.vm()][i.frame()] = 0;   // taken back, it will read as zeros
                }
            } else if (op instanceof Deflate d) {
                int expected = d.frame() < 0 || d.frame() >= FRAMES ? BalloonDevice.NOT_RAM
                        : givenBack[d.vm()][d.frame()] ? BalloonDevice.ACCEPTED : BalloonDevice.WRONG_STATE;
                assertThat(port(vms[d.vm()], BalloonDevice.DEFLATE_PORT, d.frame())).isEqualTo(expected);
                if (expected == BalloonDevice.ACCEPTED) {
                    givenBack[d.vm()][d.frame()] = false;
                }
            } else if (op instanceof Scan s) {
                scanner.afterSlice(vms[s.vm()]);
            }
        }

        java.util.Set<Integer> machineFrames = new java.util.HashSet<>();
        for (int v = 0; v < VMS; v++) {
            for (int gfn = 0; gfn < FRAMES; gfn++) {
                assertThat(vms[v].memory().isBallooned(gfn)).as("vm%d frame %d", v, gfn).isEqualTo(givenBack[v][gfn]);
                assertThat(vms[v].devices().standard().balloon().isGivenBack(gfn)).isEqualTo(givenBack[v][gfn]);
                if (!givenBack[v][gfn]) {
                    assertThat(vms[v].memory().readWord(gfn * PAGE)).as("vm%d frame %d", v, gfn)
                            .isEqualTo(model[v][gfn]);
                }
                if (vms[v].memory().entry(gfn) instanceof org.vmlab.vmm.P2mEntry.Backed b) {
                    machineFrames.add(b.mfn());
                }
            }
        }
        assertThat(vmm.frames().freeFrames() + machineFrames.size()).as("no machine frame lost").isEqualTo(total);
    }

    /** The guest's {@code out} of {@code value} to the balloon's port, then its read of the status. */
    private static int port(VirtualMachine vm, int offset, int value) {
        vm.devices().io().out(BalloonDevice.BASE + offset, value);
        return vm.devices().io().in(BalloonDevice.BASE + BalloonDevice.STATUS_PORT);
    }
}
