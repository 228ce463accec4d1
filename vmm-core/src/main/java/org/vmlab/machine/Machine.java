package org.vmlab.machine;

import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.device.MmioBus;
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
    /** The interrupt controller's ports. */
    public static final int PIC_PORT = 0x20;

    private final MachineConfig config;
    private final Clock clock = new Clock();
    private final PhysicalMemory memory;
    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final InterruptController pic = new InterruptController();
    private final Mmu mmu;
    private final Cpu cpu;

    public Machine(MachineConfig config) {
        this.config = config;
        this.memory = new PhysicalMemory(config.memoryBytes());
        this.mmu = new Mmu(memory, mmio, new Tlb(config.tlbEntries()));
        this.cpu = new Cpu(config.isa(), mmu, io, pic, clock);
        io.attach(PIC_PORT, 3, pic);
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
        return io;
    }

    public MmioBus mmio() {
        return mmio;
    }

    public InterruptController pic() {
        return pic;
    }

    public Clock clock() {
        return clock;
    }

    /** Writes instruction or data words at physical {@code address}, little-endian. */
    public void loadWords(int address, int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.writeWord(address + 4 * i, words[i]);
        }
    }

    /** Runs until the guest halts, faults beyond recovery, or the configured fuel is spent. */
    public StopReason run() {
        return cpu.run(config.fuel());
    }
}
