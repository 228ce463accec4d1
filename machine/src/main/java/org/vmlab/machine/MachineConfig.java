package org.vmlab.machine;

import java.util.Objects;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;

/**
 * How to build a machine: its ISA variant, memory, TLB, the fuel of a run, what its devices start
 * with, what events cost, and whether it has the {@code vt} feature.
 *
 * @param isa         the instruction-set variant
 * @param memoryBytes RAM size, a positive multiple of 4096
 * @param tlbEntries  TLB size, a power of two
 * @param fuel        the most instructions a run may retire before it is stopped
 * @param devices     console input, disk, network peer
 * @param costModel   what events cost in simulated cycles
 * @param vt          the hardware assistance for virtualization (docs/isa.md, "Hardware-assisted
 *                    virtualization"); without it its instructions are #UD
 * @param engine      the execution engine, over the interpreter ({@link Engine#standard()} unless
 *                    another is asked for; every engine gives the same results)
 */
public record MachineConfig(IsaVariant isa, int memoryBytes, int tlbEntries, long fuel,
                            DeviceConfig devices, CostModel costModel, boolean vt, EngineFactory engine) {

    public static final int DEFAULT_MEMORY = 16 << 20;
    public static final int DEFAULT_TLB_ENTRIES = 64;
    public static final long DEFAULT_FUEL = 100_000_000L;

    public MachineConfig {
        Objects.requireNonNull(isa, "isa");
        Objects.requireNonNull(devices, "devices");
        Objects.requireNonNull(costModel, "costModel");
        Objects.requireNonNull(engine, "engine");
        if (fuel <= 0) {
            throw new IllegalArgumentException("fuel must be positive, was " + fuel);
        }
        if (memoryBytes <= 0 || memoryBytes % 4096 != 0) {
            throw new IllegalArgumentException(
                    "memory must be a positive multiple of 4096 bytes, was " + memoryBytes);
        }
        if (tlbEntries <= 0 || Integer.bitCount(tlbEntries) != 1) {
            throw new IllegalArgumentException("TLB entries must be a power of two, was " + tlbEntries);
        }
    }

    /** A machine without the vt feature. */
    public MachineConfig(IsaVariant isa, int memoryBytes, int tlbEntries, long fuel,
                         DeviceConfig devices, CostModel costModel) {
        this(isa, memoryBytes, tlbEntries, fuel, devices, costModel, false);
    }

    /** A machine run by the interpreter. */
    public MachineConfig(IsaVariant isa, int memoryBytes, int tlbEntries, long fuel,
                         DeviceConfig devices, CostModel costModel, boolean vt) {
        this(isa, memoryBytes, tlbEntries, fuel, devices, costModel, vt, EngineFactory.INTERPRETER);
    }

    /** The defaults: classic ISA, 16 MiB, 64 TLB entries, 100 million instructions of fuel. */
    public static MachineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@link #defaults()}. */
    public static final class Builder {
        private IsaVariant isa = IsaVariant.CLASSIC;
        private int memoryBytes = DEFAULT_MEMORY;
        private int tlbEntries = DEFAULT_TLB_ENTRIES;
        private long fuel = DEFAULT_FUEL;
        private DeviceConfig devices = DeviceConfig.defaults();
        private CostModel costModel = CostModel.DEFAULT;
        private boolean vt;
        private EngineFactory engine = Engine.standard();

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

        public Builder devices(DeviceConfig devices) {
            this.devices = devices;
            return this;
        }

        /** Shorthand for {@code devices(devices.withConsoleInput(input))}. */
        public Builder consoleInput(String input) {
            this.devices = devices.withConsoleInput(input);
            return this;
        }

        public Builder costModel(CostModel costModel) {
            this.costModel = costModel;
            return this;
        }

        /** With or without the vt feature (default: without). */
        public Builder vt(boolean vt) {
            this.vt = vt;
            return this;
        }

        /** The execution engine (default: {@link Engine#standard()}, which the system property {@value Engine#PROPERTY} may name). */
        public Builder engine(EngineFactory engine) {
            this.engine = engine;
            return this;
        }

        public MachineConfig build() {
            return new MachineConfig(isa, memoryBytes, tlbEntries, fuel, devices, costModel, vt, engine);
        }
    }
}
