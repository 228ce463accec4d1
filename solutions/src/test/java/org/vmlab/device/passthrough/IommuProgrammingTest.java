package org.vmlab.device.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmlab.labs.lab5.IommuProgramming;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/** The reference I/O page tables, as the machine's IOMMU walks them: what is mapped is reached, nothing else. */
class IommuProgrammingTest {
    private final DmaConfinement rules = new IommuProgramming();
    private final PhysicalMemory memory = new PhysicalMemory(4 << 20);
    private final MachineFrames frames = new MachineFrames(memory, 16);
    private final Iommu iommu = new Iommu(memory, new InterruptController());
    private final DmaSpace disk = iommu.dmaFor(Iommu.SOURCE_DISK);
    private IoPageTables tables;

    @BeforeEach
    void assign() {
        tables = new IoPageTables(frames, "vm1");
        int contextTable = frames.allocate(MachineFrames.VMM) << 12;
        memory.writeWord(contextTable + 4 * Iommu.SOURCE_DISK, tables.directoryFrame() << 12 | Iommu.CONTEXT_PRESENT);
        iommu.out(Iommu.RTADDR, contextTable);
        iommu.out(Iommu.GCMD, Iommu.TE);
    }

    @Test
    void aMappedPageReachesItsMachineFrameAtTheSameOffset() throws DmaFault {
        int mfn = frames.allocate("vm1");
        rules.map(tables, 0x0000_5000, mfn, Iommu.READ | Iommu.WRITE);

        disk.writeWord(0x0000_5010, 0xCAFE);

        assertThat(memory.readWord((mfn << 12) + 0x10)).isEqualTo(0xCAFE);
    }

    @Test
    void anAddressNothingMapsIsBlocked() {
        rules.map(tables, 0x0000_5000, frames.allocate("vm1"), Iommu.READ | Iommu.WRITE);

        assertThatThrownBy(() -> disk.readWord(0x0000_6000)).isInstanceOf(DmaFault.class);
        assertThatThrownBy(() -> disk.readWord(0x0040_5000)).as("another 4 MiB").isInstanceOf(DmaFault.class);
        assertThat(iommu.faults()).hasSize(2);
    }

    @Test
    void aReadOnlyPageRefusesWrites() throws DmaFault {
        rules.map(tables, 0x0000_5000, frames.allocate("vm1"), Iommu.READ);

        disk.readWord(0x0000_5000);
        assertThatThrownBy(() -> disk.writeWord(0x0000_5000, 1)).isInstanceOf(DmaFault.class);
    }

    @Test
    void pagesOfOneFourMegabyteRangeShareOneTable() {
        int free = frames.freeFrames();
        rules.map(tables, 0x0000_1000, frames.allocate("vm1"), Iommu.READ);
        rules.map(tables, 0x0000_2000, frames.allocate("vm1"), Iommu.READ);
        rules.map(tables, 0x0040_0000, frames.allocate("vm1"), Iommu.READ);

        assertThat(free - frames.freeFrames()).as("three pages and two tables").isEqualTo(5);
    }

    @Test
    void freeingGivesEveryTableFrameBack() {
        int free = frames.freeFrames();
        IoPageTables other = new IoPageTables(frames, "vm2");
        rules.map(other, 0x0000_1000, 100, Iommu.READ);
        rules.map(other, 0x0080_0000, 101, Iommu.READ);

        other.free();

        assertThat(frames.freeFrames()).isEqualTo(free);
    }
}
