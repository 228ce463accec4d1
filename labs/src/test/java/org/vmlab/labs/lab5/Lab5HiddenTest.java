package org.vmlab.labs.lab5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.device.passthrough.DmaConfinement;
import org.vmlab.device.split.RingService;
import org.vmlab.device.split.SharedRing;
import org.vmlab.device.split.SplitAbi;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;

/** Lab 5, device virtualization: the hidden graded tests of the IOMMU's tables. */
class Lab5HiddenTest {
    private static final int RW = Iommu.READ | Iommu.WRITE;

    private final DmaConfinement rules = new IommuProgramming();

    @Test
    @Graded(points = 1, number = "5.12", visibility = Visibility.HIDDEN, name = "map: the last page of the I/O address space, and frames high in memory")
    void edges() {
        IommuBench bench = new IommuBench(32 << 20);
        int high = 0x1F00;   // machine frame at 31 MiB
        bench.frames.claim(high, "vm");
        rules.map(bench.tables, 0xFFFF_F000, high, RW);

        assertThat(bench.reach(0xFFFF_F008, true)).as("I/O virtual 0xfffff008 (directory entry 1023, table entry"
                + " 1023), mapped to frame 0x1f00").isEqualTo((high << 12) + 8);
    }

    @Test
    @Graded(points = 1, number = "5.13", visibility = Visibility.HIDDEN, name = "map: mapping a page again moves it to the new frame")
    void remap() {
        IommuBench bench = new IommuBench(8 << 20);
        int before = bench.frames.allocate("vm");
        int after = bench.frames.allocate("vm");
        rules.map(bench.tables, 0x0000_3000, before, Iommu.READ);
        rules.map(bench.tables, 0x0000_3000, after, RW);

        assertThat(bench.reach(0x0000_3000, true)).as("the page mapped again, to frame 0x%x, writable", after)
                .isEqualTo(after << 12);
        assertThat(bench.tables.tableCount()).isEqualTo(1);
    }

    @Test
    @Graded(points = 1, number = "5.14", visibility = Visibility.HIDDEN, name = "confine: a VM of 6 MiB, across two page tables")
    void confineAcrossTables() {
        IommuBench bench = new IommuBench(16 << 20);
        GuestPhysicalMemory vm = bench.pinnedVm(6 << 20);

        rules.confine(bench.tables, vm);

        assertThat(bench.reach(0x0040_0000, true)).isEqualTo(vm.machineFrame(0x400) << 12);
        assertThat(bench.reach(0x005F_F000, true)).isEqualTo(vm.machineFrame(0x5FF) << 12);
        assertThat(bench.reach(0x0060_0000, true)).as("just past the VM's 6 MiB").isEqualTo(-1);
        assertThat(bench.tables.tableCount()).isEqualTo(2);
    }

    @Test
    @Graded(points = 1, number = "5.15", visibility = Visibility.HIDDEN, name = "confine: the device reads and writes the guest's memory, not the machine's frames by number")
    void notIdentity() {
        IommuBench bench = new IommuBench(8 << 20);
        bench.frames.allocate("someone else");   // the VM's frames do not start where its addresses do
        bench.frames.allocate("someone else");
        GuestPhysicalMemory vm = bench.pinnedVm(64 << 10);

        rules.confine(bench.tables, vm);

        assertThat(bench.reach(0x0000_0000, true)).as("guest-physical 0 is the VM's frame 0x%x, not machine"
                + " frame 0 (that would let the guest's device reach whatever is at its own addresses in machine"
                + " memory)", vm.machineFrame(0)).isEqualTo(vm.machineFrame(0) << 12);
        assertThat(bench.reach(0x0000_0000, false)).isZero();
    }

    @Test
    @Graded(points = 2, number = "5.16", visibility = Visibility.HIDDEN, name = "split rings: indices that wrap past 2^32")
    void wrappingIndices() {
        PhysicalMemory page = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
        int start = -2;   // the indices are free-running: a long-lived ring wraps
        SharedRing ring = new SharedRing(page, 0, 4, 8, start);
        RingService rules = new SplitRingRules();
        page.writeWord(SplitAbi.RING_RSP_PROD, start);
        page.writeWord(SplitAbi.RING_REQ_PROD, start + 3);

        assertThat(rules.requestsToTake(ring)).as("req_cons 0xfffffffe, req_prod 1: three requests").isEqualTo(3);
        ring.takeRequest(2);
        ring.takeRequest(2);
        ring.takeRequest(2);
        page.writeWord(SplitAbi.RING_RSP_EVENT, start + 1);
        ring.putResponse(0);
        ring.putResponse(0);
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).as("rsp_event 0xffffffff, the push from 0xfffffffe to 1 passes it")
                .isTrue();
        assertThat(rules.finalCheckForRequests(ring)).isFalse();
        assertThat(page.readWord(SplitAbi.RING_REQ_EVENT)).isEqualTo(start + 4);
    }

    @Test
    @Graded(points = 1, number = "5.17", visibility = Visibility.HIDDEN, name = "split rings: a batch of responses, one notification")
    void oneNotificationPerBatch() {
        PhysicalMemory page = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
        SharedRing ring = new SharedRing(page, 0, 8, 8);
        RingService rules = new SplitRingRules();
        page.writeWord(SplitAbi.RING_RSP_EVENT, 1);
        for (int i = 0; i < 5; i++) {
            ring.putResponse(i);
        }
        assertThat(rules.pushResponses(ring)).as("five responses pushed at once: one notification").isTrue();
        ring.putResponse(5);
        assertThat(rules.pushResponses(ring)).as("the sixth: the front end has not asked again").isFalse();
    }
}
