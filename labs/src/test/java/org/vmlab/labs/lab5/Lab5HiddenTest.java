package org.vmlab.labs.lab5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.device.passthrough.DmaConfinement;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.machine.device.Iommu;
import org.vmlab.vmm.GuestPhysicalMemory;

/** Lab 5, device virtualization: the hidden graded tests of the IOMMU's tables. */
class Lab5HiddenTest {
    private static final int RW = Iommu.READ | Iommu.WRITE;

    private final DmaConfinement rules = new IommuProgramming();

    @Test
    @Graded(points = 1, number = "5.6", visibility = Visibility.HIDDEN, name = "map: the last page of the I/O address space, and frames high in memory")
    void edges() {
        IommuBench bench = new IommuBench(32 << 20);
        int high = 0x1F00;   // machine frame at 31 MiB
        bench.frames.claim(high, "vm");
        rules.map(bench.tables, 0xFFFF_F000, high, RW);

        assertThat(bench.reach(0xFFFF_F008, true)).as("I/O virtual 0xfffff008 (directory entry 1023, table entry"
                + " 1023), mapped to frame 0x1f00").isEqualTo((high << 12) + 8);
    }

    @Test
    @Graded(points = 1, number = "5.7", visibility = Visibility.HIDDEN, name = "map: mapping a page again moves it to the new frame")
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
    @Graded(points = 1, number = "5.8", visibility = Visibility.HIDDEN, name = "confine: a VM of 6 MiB, across two page tables")
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
    @Graded(points = 1, number = "5.9", visibility = Visibility.HIDDEN, name = "confine: the device reads and writes the guest's memory, not the machine's frames by number")
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
}
