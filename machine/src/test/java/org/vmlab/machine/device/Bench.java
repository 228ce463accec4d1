package org.vmlab.machine.device;

import org.vmlab.machine.Clock;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A machine without a CPU, for device tests: RAM, a clock, an interrupt controller and the buses,
 * plus the part of the CPU's loop that lets time pass and runs the events that fall due.
 */
final class Bench {
    final Clock clock = new Clock();
    final InterruptController pic = new InterruptController();
    final PhysicalMemory memory = new PhysicalMemory(64 * 1024);
    final DmaSpace dma = new BoundedDma(memory, "RAM");
    final IoBus io = new IoBus();
    final MmioBus mmio = new MmioBus();

    /** Lets time pass up to {@code tick}, as the CPU does: every event runs at its own tick. */
    void runTo(long tick) {
        while (clock.nextDeadline() <= tick) {
            clock.advanceTo(clock.nextDeadline());
            clock.runDue();
        }
        clock.advanceTo(tick);
    }

    /** Lets {@code ticks} ticks pass. */
    void run(long ticks) {
        runTo(clock.now() + ticks);
    }

    /**
     * Takes the state of {@code other}'s memory, clock and interrupt controller, as a machine
     * restored from a snapshot of it would: the devices attached here restore their own next. The
     * tests drive both benches in the clock's time, so the count goes on from the same tick.
     */
    void restoreFrom(Bench other) {
        memory.write(0, other.memory.read(0, other.memory.size()));
        clock.restore(other.clock.state(), other.clock.now());
        pic.restore(other.pic.state());
    }

    /** True if line {@code line} is requested and not yet taken by the CPU. */
    boolean pending(int line) {
        return (pic.pending() & (1 << line)) != 0;
    }

    /** The CPU takes the interrupt and its handler ends it at once; returns the vector. */
    int takeInterrupt() {
        int vector = pic.acknowledge();
        pic.endOfInterrupt();
        return vector;
    }
}
