package org.vmlab.vmm.overcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CostModelDocs;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The scanner shares what is the same and nothing else: identical pages of different VMs end up
 * on one machine frame and the others go back to the pool; hints that went stale are replaced;
 * the scan rate bounds the work of a slice; memory whose frames may not move is left alone; every
 * copy-on-write break is counted, whoever wrote.
 */
class PageSharingScannerTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int FRAMES = 16;

    private final Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(1 << 20).build(),
            VmmCostModel.DEFAULT);

    /** Memory virtualization that maps nothing: the VMs here run no guest code of their own. */
    static final class NoMemory implements MemoryVirtualization {
        private final String populate;

        NoMemory(String populate) {
            this.populate = populate;
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public void attach(VirtualMachine vm) {
            if (populate != null) {
                vm.memory().populate(populate);
            }
        }

        @Override
        public void activate() {
        }

        @Override
        public void controlRegisterWritten(int cr) {
        }

        @Override
        public void invalidatePage(int va) {
        }

        @Override
        public PageFaultOutcome pageFault(Exit.PageFault exit) {
            throw new AssertionError("no page faults here");
        }
    }

    /** A guest that, at every instruction, writes guest frame 2 through the VMM: the instant it is shared too. */
    static final class Rewriting implements CpuVirtualization {
        @Override
        public String name() {
            return "rewriting";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            vm.vcpu().retire(1);
            vm.memory().writeWord(2 * PAGE, (int) vm.vcpu().instructions());
            return new Exit.Timer(vm.vcpu().pc());
        }
    }

    /** A guest that runs its whole budget at once and touches nothing. */
    static final class Idle implements CpuVirtualization {
        @Override
        public String name() {
            return "idle";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            vm.vcpu().retireDirectly(budget);
            return new Exit.Timer(vm.vcpu().pc());
        }
    }

    private VirtualMachine vm(String name) {
        return vmm.create(new VmConfig(name, FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()), null,
                new NoMemory(null));
    }

    /** Fills guest frame {@code gfn} of {@code vm} with {@code value} in every word. */
    private static void fill(VirtualMachine vm, int gfn, int value) {
        for (int offset = 0; offset < PAGE; offset += 4) {
            vm.memory().writeWord(gfn * PAGE + offset, value);
        }
    }

    private int framesInUse() {
        return vmm.frames().memory().frames() - vmm.frames().freeFrames();
    }

    private static void scanUntilDone(PageSharingScanner scanner, VirtualMachine vm) {
        for (int i = 0; i < 20; i++) {
            scanner.afterSlice(vm);
        }
    }

    @Test
    void identicalPagesOfTwoVmsShareOneMachineFrameAndTheOthersAreFreed() {
        VirtualMachine a = vm("a");
        VirtualMachine b = vm("b");
        for (int gfn = 0; gfn < 4; gfn++) {
            fill(a, gfn, 100 + gfn);
            fill(b, gfn, 100 + gfn);
        }
        fill(b, 5, 7);   // b's own
        PageSharingScanner scanner = new PageSharingScanner(vmm, 64, new MechanismRules());
        int before = framesInUse();

        scanUntilDone(scanner, a);

        assertThat(framesInUse()).as("four frames saved").isEqualTo(before - 4);
        for (int gfn = 0; gfn < 4; gfn++) {
            assertThat(a.memory().isShared(gfn)).isTrue();
            assertThat(b.memory().entry(gfn)).isEqualTo(a.memory().entry(gfn));
        }
        assertThat(b.memory().isShared(5)).isFalse();
        assertThat(scanner.saved()).isEqualTo(4);
        assertThat(scanner.shared()).isEqualTo(8);
        assertThat(a.counters().named(PageSharingScanner.SHARED) + b.counters().named(PageSharingScanner.SHARED))
                .isEqualTo(8);
        assertThat(a.counters().named(PageSharingScanner.SAVED) + b.counters().named(PageSharingScanner.SAVED))
                .isEqualTo(4);
        assertThat(a.counters().named(PageSharingScanner.SCANNED)).as("a's four private pages, hashed once each")
                .isEqualTo(4);
        assertThat(a.counters().events(CoreEvent.PAGE_SCAN)).isEqualTo(4);
        assertThat(a.counters().cycles()).isEqualTo(4 * CoreEvent.PAGE_SCAN.defaultCycles());
    }

    @Test
    void scanningIsACoreEventDocumentedWithItsCost() {
        assertThat(CoreEvent.ALL).contains(CoreEvent.PAGE_SCAN);
        CostModelDocs.assertDocumented(List.of(CoreEvent.PAGE_SCAN));
    }

    @Test
    void identicalPagesOfOneVmAreSharedToo() {
        VirtualMachine a = vm("a");
        fill(a, 1, 9);
        fill(a, 3, 9);
        PageSharingScanner scanner = new PageSharingScanner(vmm, PageSharingScanner.DEFAULT_PAGES_PER_SLICE, new MechanismRules());

        scanUntilDone(scanner, a);

        assertThat(a.memory().isShared(1)).isTrue();
        assertThat(a.memory().entry(3)).isEqualTo(a.memory().entry(1));
        assertThat(a.memory().readWord(3 * PAGE + 8)).isEqualTo(9);
    }

    @Test
    void theScanRateBoundsThePagesHashedAfterASlice() {
        VirtualMachine a = vm("a");
        for (int gfn = 0; gfn < 10; gfn++) {
            fill(a, gfn, gfn);
        }
        PageSharingScanner scanner = new PageSharingScanner(vmm, 3, new MechanismRules());

        scanner.afterSlice(a);
        assertThat(scanner.scanned()).isEqualTo(3);
        scanner.afterSlice(a);
        assertThat(scanner.scanned()).as("the next three, round robin").isEqualTo(6);
        scanner.afterSlice(a);
        scanner.afterSlice(a);
        assertThat(scanner.scanned()).as("the last one, then round again from frame 0").isEqualTo(12);
        assertThatThrownBy(() -> new PageSharingScanner(vmm, 0, new MechanismRules())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the scan rate must be at least one page a slice, was 0");
    }

    @Test
    void aHintWhosePageChangedIsReplacedAndNothingWrongIsShared() {
        VirtualMachine a = vm("a");
        VirtualMachine b = vm("b");
        fill(a, 0, 5);
        PageSharingScanner scanner = new PageSharingScanner(vmm, 1, new MechanismRules());
        scanner.afterSlice(a);   // a's frame 0 is the hint for "all fives"
        a.memory().writeWord(0, 6);   // and changes after it was hashed
        fill(b, 0, 5);
        fill(b, 1, 5);

        scanUntilDone(scanner, a);

        assertThat(a.memory().isShared(0)).as("the stale hint's page, no longer the same").isFalse();
        assertThat(a.memory().readWord(0)).isEqualTo(6);
        assertThat(b.memory().isShared(0)).as("b's page took the hint's place, and was shared with b's other")
                .isTrue();
        assertThat(b.memory().entry(1)).isEqualTo(b.memory().entry(0));
    }

    @Test
    void memoryWhoseFramesMayNotMoveIsNotScanned() {
        VirtualMachine fixed = vmm.create(new VmConfig("fixed", FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()),
                null, new NoMemory("the guest's page tables name machine frames"));
        VirtualMachine other = vm("other");
        fill(other, 0, 0);   // the same bytes as fixed's zeroed frames
        PageSharingScanner scanner = new PageSharingScanner(vmm, 64, new MechanismRules());

        scanUntilDone(scanner, fixed);

        assertThat(fixed.memory().whyNotSharable()).hasValue(
                "fixed's guest frames stay on their machine frames: the guest's page tables name machine frames");
        assertThat(other.memory().whyNotSharable()).isEmpty();
        assertThat(fixed.counters().named(PageSharingScanner.SCANNED)).isZero();
        assertThat(fixed.memory().sharedFrames()).isZero();
        assertThat(other.memory().isShared(0)).isFalse();
    }

    @Test
    void copyOnWriteBreaksAreCountedWhoeverWrites() throws Exception {
        VirtualMachine a = vm("a");
        VirtualMachine b = vm("b");
        fill(a, 0, 1);
        fill(b, 0, 1);
        fill(a, 1, 2);
        fill(b, 1, 2);
        PageSharingScanner scanner = new PageSharingScanner(vmm, 64, new MechanismRules());
        scanUntilDone(scanner, a);
        assertThat(b.memory().sharedFrames()).isEqualTo(2);

        b.memory().writeWord(0, 77);   // the VMM
        new BoundedDma(b.memory(), "guest RAM").write(PAGE, new byte[] {9});   // a device's DMA

        assertThat(b.counters().named(VirtualMachine.COW_BREAKS)).isEqualTo(2);
        assertThat(a.counters().named(VirtualMachine.COW_BREAKS)).isZero();
        assertThat(a.memory().readWord(0)).isEqualTo(1);
        assertThat(a.memory().readByte(PAGE)).as("a never sees b's DMA").isEqualTo(2);
    }

    @Test
    void aGuestThatWritesAPageTheInstantItIsSharedLosesNothing() {
        VirtualMachine hostile = vmm.create(new VmConfig("hostile", FRAMES * PAGE, FRAMES, 400,
                DeviceConfig.defaults()), new Rewriting(), new NoMemory(null));
        VirtualMachine quiet = vmm.create(new VmConfig("quiet", FRAMES * PAGE, FRAMES, 400, DeviceConfig.defaults()),
                new Idle(), new NoMemory(null));
        // quiet holds, in frame 2, what hostile's frame 2 will hold after each of its writes
        PageSharingScanner scanner = new PageSharingScanner(vmm, 64, new MechanismRules());
        vmm.setSlice(1);
        vmm.betweenSlices(vm -> {
            if (vm == hostile) {
                quiet.memory().writeWord(2 * PAGE, hostile.memory().readWord(2 * PAGE));
            }
        });
        vmm.betweenSlices(scanner);
        hostile.memory().writeWord(2 * PAGE, 0);
        quiet.memory().writeWord(2 * PAGE, 0);

        vmm.run();

        assertThat(hostile.result().instructions()).isEqualTo(400);
        assertThat(hostile.memory().readWord(2 * PAGE)).as("its last write").isEqualTo(400);
        assertThat(quiet.memory().readWord(2 * PAGE)).isEqualTo(400);
        assertThat(hostile.counters().named(VirtualMachine.COW_BREAKS)).as("shared, then broken, again and again")
                .isGreaterThan(100);
    }
}
