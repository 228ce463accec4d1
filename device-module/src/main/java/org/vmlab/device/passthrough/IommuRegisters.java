package org.vmlab.device.passthrough;

import org.vmlab.machine.Machine;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * The VMM's driver for the machine's IOMMU: its registers (ports 0xD0..0xD7) and its two
 * machine-wide tables, the context table and the interrupt-remapping table, each one VMM frame,
 * made the first time a device is assigned and kept while the machine runs (docs/devices.md
 * "IOMMU").
 */
final class IommuRegisters {
    private final Machine host;
    private final MachineFrames frames;
    private final PhysicalMemory memory;

    IommuRegisters(Machine host, MachineFrames frames) {
        this.host = host;
        this.frames = frames;
        this.memory = frames.memory();
    }

    /** Device {@code source}'s DMA goes through the I/O page directory at machine frame {@code directory}. */
    void setContext(int source, int directory) {
        memory.writeWord(table(Iommu.RTADDR) + 4 * source, directory << PhysicalMemory.PAGE_SHIFT | Iommu.CONTEXT_PRESENT);
    }

    /** Device {@code source}'s interrupt is delivered on {@code line} of its owner's controller. */
    void setRemapping(int source, int line) {
        memory.writeWord(table(Iommu.IRTA) + 4 * source, line << Iommu.IRTE_LINE_SHIFT | Iommu.IRTE_PRESENT);
    }

    /** Device {@code source} may neither do DMA nor interrupt. */
    void clear(int source) {
        memory.writeWord(table(Iommu.RTADDR) + 4 * source, 0);
        memory.writeWord(table(Iommu.IRTA) + 4 * source, 0);
    }

    /** Forgets what the IOTLB holds of device {@code source}. */
    void invalidate(int source) {
        out(Iommu.IOTLB_INVALIDATE, source << 8 | Iommu.IIRG_DEVICE);
    }

    /** DMA translation and interrupt remapping on. */
    void enable() {
        out(Iommu.GCMD, Iommu.TE | Iommu.IRE);
    }

    /** The table whose address register is {@code register}, made (zeroed) if it has none yet. */
    private int table(int register) {
        int address = host.io().in(Iommu.BASE + register);
        if (address == 0) {
            address = frames.allocate(MachineFrames.VMM) << PhysicalMemory.PAGE_SHIFT;
            out(register, address);
        }
        return address;
    }

    private void out(int register, int value) {
        host.io().out(Iommu.BASE + register, value);
    }
}
