package org.vmlab.machine;

import org.vmlab.machine.isa.IsaVariant;

/**
 * How to build a machine: its ISA variant, memory, TLB, the fuel of a run and the outside world
 * its devices see.
 *
 * @param isa           the instruction-set variant
 * @param memoryBytes   RAM size, a multiple of 4096
 * @param tlbEntries    TLB size, a power of two
 * @param fuel          the most instructions a run may retire before it is stopped
 * @param consoleInput  what the console's input line will deliver
 * @param consoleLimit  the most console output bytes kept (the rest is counted, not stored)
 * @param diskSectors   size of the disk in 512-byte sectors
 * @param diskImage     initial disk contents (may be shorter than the disk), never null
 * @param costModel     what events cost in simulated cycles
 */
public record MachineConfig(IsaVariant isa, int memoryBytes, int tlbEntries, long fuel,
                            String consoleInput, int consoleLimit, int diskSectors, byte[] diskImage,
                            CostModel costModel) {

    public static final int DEFAULT_MEMORY = 16 << 20;
    public static final int DEFAULT_TLB_ENTRIES = 64;
    public static final long DEFAULT_FUEL = 100_000_000L;

    public MachineConfig {
        if (fuel <= 0) {
            throw new IllegalArgumentException("fuel must be positive, was " + fuel);
        }
        if (diskSectors <= 0) {
            throw new IllegalArgumentException("the disk needs at least one sector");
        }
        diskImage = diskImage.clone();
    }

    @Override
    public byte[] diskImage() {
        return diskImage.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the defaults: classic ISA, 16 MiB, 64 TLB entries, 100M fuel. */
    public static final class Builder {
        private IsaVariant isa = IsaVariant.CLASSIC;
        private int memoryBytes = DEFAULT_MEMORY;
        private int tlbEntries = DEFAULT_TLB_ENTRIES;
        private long fuel = DEFAULT_FUEL;
        private String consoleInput = "";
        private int consoleLimit = 1 << 20;
        private int diskSectors = 2048;
        private byte[] diskImage = new byte[0];
        private CostModel costModel = CostModel.DEFAULT;

        public Builder isa(IsaVariant isa) {
            this.isa = isa;
            return this;
        }

        public Builder memoryBytes(int memoryBytes) {
            this.memoryBytes = memoryBytes;
            return this;
        }

        public Builder tlbEntries(int tlbEntries) {
            this.tlbEntries = tlbEntries;
            return this;
        }

        public Builder fuel(long fuel) {
            this.fuel = fuel;
            return this;
        }

        public Builder consoleInput(String consoleInput) {
            this.consoleInput = consoleInput;
            return this;
        }

        public Builder consoleLimit(int consoleLimit) {
            this.consoleLimit = consoleLimit;
            return this;
        }

        public Builder diskSectors(int diskSectors) {
            this.diskSectors = diskSectors;
            return this;
        }

        public Builder diskImage(byte[] diskImage) {
            this.diskImage = diskImage;
            return this;
        }

        public Builder costModel(CostModel costModel) {
            this.costModel = costModel;
            return this;
        }

        public MachineConfig build() {
            return new MachineConfig(isa, memoryBytes, tlbEntries, fuel, consoleInput, consoleLimit,
                    diskSectors, diskImage, costModel);
        }
    }
}
