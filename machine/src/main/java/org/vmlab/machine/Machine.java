package org.vmlab.machine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.device.MmioBus;
import org.vmlab.machine.device.StandardDevices;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Tlb;

/**
 * One simulated computer: CPU, MMU, RAM, buses, interrupt controller and devices, on one clock.
 *
 * <p>A machine holds all of its state itself (nothing is static), so any number of machines run
 * side by side in one JVM. It starts like a PC after reset: ring 0, paging off, interrupts off,
 * every register zero; {@link #load} puts a program in memory and points pc at its entry.
 */
public final class Machine {
    private final MachineConfig config;
    private final PhysicalMemory memory;
    private final Board board;
    private final Mmu mmu;
    private final Cpu cpu;
    private SymbolTable symbols = SymbolTable.empty();

    public Machine(MachineConfig config) {
        this.config = config;
        this.memory = new PhysicalMemory(config.memoryBytes());
        this.board = Board.withIommu(memory, config.devices());
        this.mmu = new Mmu(memory, board.mmio(), new Tlb(config.tlbEntries()));
        this.cpu = new Cpu(config.isa(), mmu, board.io(), board.pic(), board.clock(), config.vt(),
                config.engine());
    }

    public MachineConfig config() {
        return config;
    }

    public Cpu cpu() {
        return cpu;
    }

    public Mmu mmu() {
        return mmu;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public IoBus io() {
        return board.io();
    }

    public MmioBus mmio() {
        return board.mmio();
    }

    public InterruptController pic() {
        return board.pic();
    }

    public StandardDevices devices() {
        return board.standard();
    }

    public Clock clock() {
        return board.clock();
    }

    /** The IOMMU between the devices and RAM, disabled after reset ({@code docs/devices.md}). */
    public Iommu iommu() {
        return board.iommu().orElseThrow();
    }

    /** The board: clock, buses, interrupt controller and devices; {@code board().state()} captures it. */
    public Board board() {
        return board;
    }

    /**
     * Puts the clock and the devices back to {@code state}, captured on a machine with the same
     * device configuration. The CPU's count of ticks goes on from where it stands (zero on a fresh
     * machine) while the clock reads the captured time on ({@link Clock#restore}).
     *
     * @throws IllegalArgumentException if the state does not fit this machine's devices
     */
    public void restoreDevices(Board.State state) {
        board.restore(state, cpu.ticks());
    }

    /**
     * Loads a program: every segment of {@code image} into RAM at its address, pc at its entry.
     *
     * @throws IllegalArgumentException if a segment does not fit in RAM
     */
    public void load(Image image) {
        for (Segment segment : image.segments()) {
            if (!memory.contains(segment.address(), segment.size())) {
                throw new IllegalArgumentException(String.format(
                        "segment %s at 0x%08x (%d bytes) does not fit in %d KiB of RAM",
                        segment.name(), segment.address(), segment.size(), memory.size() >> 10));
            }
            memory.write(segment.address(), segment.bytes());
        }
        cpu.setPc(image.entry());
        this.symbols = image.symbols();
    }

    /** The symbols of the loaded program (empty if none was loaded), to name addresses. */
    public SymbolTable symbols() {
        return symbols;
    }

    /** Writes instruction or data words at physical {@code address}, little-endian. */
    public void loadWords(int address, int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.writeWord(address + 4 * i, words[i]);
        }
    }

    /**
     * Runs until the guest halts, faults beyond recovery, or the configured fuel is spent in all
     * (a second call goes on where the first stopped, with what fuel is left).
     */
    public RunResult run() {
        StopReason reason = cpu.run(config.fuel());
        return new RunResult(reason, cpu.stopDetail(), observables(), cpu.instructions(),
                cpu.ticks(), cycles(), counters());
    }

    /** What can be observed of the guest now. */
    public RunResult.Observables observables() {
        return RunResult.Observables.of(board.observables(), memory.digest(), cpu.snapshot());
    }

    /** Simulated cycles so far: every instruction's cycles plus walks, traps and port accesses. */
    public long cycles() {
        CostModel cost = config.costModel();
        long traps = 0;
        for (int v = 0; v < Vector.COUNT; v++) {
            traps += cpu.vectorCount(v);
        }
        return cpu.instructions() + cpu.extraCycles()
                + (mmu.walkReferences() + mmu.nestedWalkReferences()) * cost.memoryReference()
                + traps * cost.trapEntry()
                + cpu.interruptReturns() * cost.interruptReturn()
                + cpu.portAccesses() * cost.portAccess();
    }

    /** Event counts by name, for reports and experiments. */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("instructions", cpu.instructions());
        c.put("ticks", cpu.ticks());
        c.put("decodes", cpu.decodes());
        c.put("tlb.hits", mmu.tlb().hits());
        c.put("tlb.misses", mmu.tlb().misses());
        c.put("tlb.flushes", mmu.tlb().flushes());
        c.put("walks", mmu.walks());
        c.put("walk.references", mmu.walkReferences());
        c.put("page.faults", mmu.pageFaults());
        c.put("nested.walks", mmu.nestedWalks());
        c.put("nested.walk.references", mmu.nestedWalkReferences());
        c.put("nested.violations", mmu.nestedViolations());
        c.put("port.accesses", cpu.portAccesses());
        c.put("iret", cpu.interruptReturns());
        for (int v = 0; v < Vector.COUNT; v++) {
            if (cpu.vectorCount(v) > 0) {
                c.put("vector." + v, cpu.vectorCount(v));
            }
        }
        return c;
    }
}
