package org.vmlab.labs.lab5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.device.passthrough.DmaConfinement;
import org.vmlab.device.passthrough.Passthrough;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.labs.lab1.TrapAndEmulateHandler;
import org.vmlab.labs.lab3.ShadowPagingRules;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Lab 5, device virtualization: the visible graded tests of the IOMMU's tables. Your rules fill
 * I/O page tables that the machine's IOMMU then walks for a disk's DMA ({@link IommuBench}); the
 * last test runs toyos with the real disk and network interface assigned to it, under your Lab 1
 * and Lab 3 and your tables.
 */
class Lab5Test {
    private static final int RW = Iommu.READ | Iommu.WRITE;

    private final DmaConfinement rules = new IommuProgramming();
    private final IommuBench bench = new IommuBench(8 << 20);

    @Test
    @Graded(points = 2, number = "5.1", name = "map: a page reaches its machine frame, at the same offset")
    void mapOnePage() {
        int mfn = bench.frames.allocate("vm");
        rules.map(bench.tables, 0x0000_3000, mfn, RW);

        assertThat(bench.reach(0x0000_3010, true)).as("DMA to I/O virtual address 0x3010, mapped to frame 0x%x:"
                + " it must reach machine address 0x%x", mfn, (mfn << 12) + 0x10).isEqualTo((mfn << 12) + 0x10);
        assertThat(bench.reach(0x0000_4000, true)).as("DMA to 0x4000, which nothing maps: the IOMMU must block it")
                .isEqualTo(-1);
    }

    @Test
    @Graded(points = 2, number = "5.2", name = "map: the page's permissions, read and write")
    void permissions() {
        rules.map(bench.tables, 0x0000_3000, bench.frames.allocate("vm"), Iommu.READ);
        rules.map(bench.tables, 0x0000_5000, bench.frames.allocate("vm"), RW);

        assertThat(bench.reach(0x0000_3000, false)).as("a read of a page mapped READ: permitted").isZero();
        assertThat(bench.reach(0x0000_3000, true)).as("a write to a page mapped READ only: the device may"
                + " not write it (a buffer the guest only lets it read)").isEqualTo(-1);
        assertThat(bench.reach(0x0000_5000, true)).as("a write to a page mapped READ | WRITE").isPositive();
    }

    @Test
    @Graded(points = 2, number = "5.3", name = "map: one page table per 4 MiB, made once and kept")
    void tablesAreShared() {
        int first = bench.frames.allocate("vm");
        int second = bench.frames.allocate("vm");
        int far = bench.frames.allocate("vm");
        rules.map(bench.tables, 0x0000_1000, first, RW);
        rules.map(bench.tables, 0x0000_2000, second, RW);
        rules.map(bench.tables, 0x0040_0000, far, RW);

        assertThat(bench.tables.tableCount()).as("pages 0x1000 and 0x2000 share a page table; 0x400000 needs"
                + " another: two tables").isEqualTo(2);
        assertThat(bench.reach(0x0000_1000, true)).as("the first page, still mapped after the second")
                .isEqualTo(first << 12);
        assertThat(bench.reach(0x0040_0000, true)).isEqualTo(far << 12);
    }

    @Test
    @Graded(points = 2, number = "5.4", name = "confine: the VM's memory at its guest-physical addresses, nothing else")
    void confine() {
        GuestPhysicalMemory vm = bench.pinnedVm(1 << 20);

        rules.confine(bench.tables, vm);

        for (int gfn : new int[] {0, 1, 100, 255}) {
            assertThat(bench.reach(gfn << 12, true)).as("guest-physical 0x%x: the VM's frame 0x%x", gfn << 12,
                    vm.machineFrame(gfn)).isEqualTo(vm.machineFrame(gfn) << 12);
        }
        assertThat(bench.reach(1 << 20, true)).as("guest-physical 0x100000, just past the VM's 1 MiB:"
                + " nothing of the VM's, so blocked").isEqualTo(-1);
        assertThat(bench.reach(0x0070_0000, true)).as("guest-physical 0x700000: another frame of the machine,"
                + " not the VM's").isEqualTo(-1);
    }

    @Test
    @Graded(points = 2, number = "5.5", name = "toyos's disk and network with the real devices assigned: exactly bare metal")
    void toyos() {
        for (String workload : new String[] {"disk", "net"}) {
            Machine bare = new Machine(MachineConfig.builder().isa(IsaVariant.CLASSIC).fuel(Toyos.FUEL).build());
            Toyos.boot(bare, Toyos.image(Toyos.Flavor.NATIVE), workload);
            RunResult native_ = bare.run();
            Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(32 << 20)
                    .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
            VirtualMachine vm = vmm.create(VmConfig.named("guest").withFuel(Toyos.FUEL),
                    new TrapAndEmulate(new TrapAndEmulateHandler(new PrivilegedInstructionEmulator())),
                    new ShadowPaging(new ShadowPagingRules()), Passthrough.confined(new IommuProgramming()));
            Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);

            RunResult virtual = vm.run();

            java.util.List<String> differences = Equivalence.compare(native_, virtual).differences();
            assertThat(differences).as("toyos " + workload + " with the disk and NIC assigned, through your I/O page"
                    + " tables, differs from bare metal: %s", String.join("; ", differences)).isEmpty();
            assertThat(vmm.machine().iommu().faults()).as("DMA the IOMMU blocked: the guest's own buffers must"
                    + " be reachable").isEmpty();
        }
    }
}
