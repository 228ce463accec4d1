package org.vmlab.vmm;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_IF;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;

/**
 * A virtual CPU: the processor as the guest believes it is, while it really runs deprivileged.
 *
 * <p>The guest's general registers, pc and condition flags are the real CPU's while this vCPU is
 * loaded (they need no virtualizing). What the guest may not hold for real is kept here, virtual:
 * its privilege level (the guest kernel believes it runs in ring 0; it runs in ring 1), its
 * interrupt flag (the real IF stays on, so that the VMM keeps control of the machine), its control
 * registers and its interrupt-table base. {@link #flags()} and {@link #snapshot()} show the state
 * the guest would see on bare metal.
 *
 * <p>How the vCPU meets the real CPU is its {@link VcpuBinding}, the CPU technique's choice:
 * {@link RingCompression} for the software techniques.
 *
 * <p>The vCPU also keeps the guest's time: ticks are instructions retired (run directly or
 * emulated) plus ticks waited in {@code hlt}, the same count as a bare machine's, which drives the
 * VM's devices.
 */
public final class Vcpu {
    private final Cpu cpu;
    private final VcpuBinding binding;

    // Virtual architectural state.
    private int virtualRing;
    private boolean virtualIf;
    private int cr0;
    private int cr2;
    private int cr3;
    private int cr4;
    private int cr5;
    private int idtr;

    // The real state while the vCPU is not loaded on the CPU.
    private final int[] savedRegisters = new int[Registers.COUNT];
    private int savedPc;
    private int savedConditions;
    private boolean loaded;

    // Time, as the guest counts it.
    private long ticks;
    private long idleTicks;
    private long directInstructions;
    private long interruptsBlockedUntil;
    private boolean waiting;
    private long eventsWaited;

    private StopReason stopReason;
    private String stopDetail = "";

    /**
     * A vCPU in the reset state (ring 0, interrupts off, paging off) at {@code entry}, bound to
     * the real CPU by ring compression.
     */
    public Vcpu(Cpu cpu, int entry) {
        this(cpu, entry, RingCompression.INSTANCE);
    }

    /** A vCPU in the reset state at {@code entry}, meeting the real {@code cpu} through {@code binding}. */
    public Vcpu(Cpu cpu, int entry, VcpuBinding binding) {
        this.cpu = cpu;
        this.savedPc = entry;
        this.binding = binding;
    }

    public VcpuBinding binding() {
        return binding;
    }

    // --- world switch --------------------------------------------------------------------------

    /** Puts this vCPU's state on the real CPU (world switch in). */
    public void load() {
        for (int r = 1; r < Registers.COUNT; r++) {
            cpu.setRegister(r, savedRegisters[r]);
        }
        cpu.setPc(savedPc);
        cpu.setFlags(realFlags(savedConditions));
        loaded = true;
    }

    /** Takes this vCPU's state off the real CPU (world switch out). */
    public void save() {
        for (int r = 1; r < Registers.COUNT; r++) {
            savedRegisters[r] = cpu.register(r);
        }
        savedPc = cpu.pc();
        savedConditions = cpu.flags() & CONDITION_BITS;
        loaded = false;
    }

    public boolean loaded() {
        return loaded;
    }

    // --- registers -----------------------------------------------------------------------------

    public int register(int n) {
        return loaded ? cpu.register(n) : savedRegisters[n];
    }

    public void setRegister(int n, int value) {
        if (n == 0) {
            return;
        }
        if (loaded) {
            cpu.setRegister(n, value);
        } else {
            savedRegisters[n] = value;
        }
    }

    public int pc() {
        return loaded ? cpu.pc() : savedPc;
    }

    public void setPc(int pc) {
        if (loaded) {
            cpu.setPc(pc);
        } else {
            savedPc = pc;
        }
    }

    /** FLAGS as the guest would read them on bare metal: conditions, virtual IF, virtual ring. */
    public int flags() {
        int conditions = loaded ? cpu.flags() & CONDITION_BITS : savedConditions;
        return conditions | (virtualIf ? FLAG_IF : 0) | virtualRing << CPL_SHIFT;
    }

    /**
     * Sets FLAGS as the guest means them: the condition bits for real, IF and the ring virtually;
     * the real CPU runs in the ring that the virtual ring maps to, with interrupts on.
     */
    public void setFlags(int flags) {
        virtualIf = (flags & FLAG_IF) != 0;
        virtualRing = (flags & CPL_MASK) >>> CPL_SHIFT;
        if (loaded) {
            cpu.setFlags(realFlags(flags & CONDITION_BITS));
        } else {
            savedConditions = flags & CONDITION_BITS;
        }
    }

    private int realFlags(int conditions) {
        return binding.realFlags(conditions | (virtualIf ? FLAG_IF : 0) | virtualRing << CPL_SHIFT);
    }

    /**
     * After the real CPU ran the guest: if it entered another ring by itself, with no exit (a
     * direct gate, docs/isa.md, takes an {@code int} from user mode into the guest kernel's
     * ring), the virtual ring follows it, so that the state the VMM sees at the exit is the
     * guest's. The virtual IF does not follow: the real IF is not the guest's.
     */
    public void followRealRing() {
        if (!loaded) {
            return;
        }
        int real = cpu.cpl();
        if (real == binding.realRing(virtualRing)) {
            return;
        }
        int ring = binding.virtualRing(real);
        if (ring < 0) {
            throw new IllegalStateException("the real CPU runs the guest in ring " + real
                    + ", which no virtual ring runs in: a direct gate into a ring the binding keeps");
        }
        virtualRing = ring;
    }

    /** The ring the guest believes it runs in. */
    public int virtualRing() {
        return virtualRing;
    }

    /** The ring the guest really runs in. */
    public int realRing() {
        return binding.realRing(virtualRing);
    }

    public boolean virtualInterruptsEnabled() {
        return virtualIf;
    }

    public void setVirtualInterruptsEnabled(boolean enabled) {
        virtualIf = enabled;
    }

    // --- virtual control registers ---------------------------------------------------------------

    /**
     * What asking for a control register that does not exist says: the guest may name one (its
     * {@code mfcr} or {@code mtcr} encodes any number), and then bare metal raises #GP, which the
     * emulator must do before it asks the vCPU.
     */
    private static IllegalArgumentException noSuchControlRegister(int n) {
        return new IllegalArgumentException("the vCPU has no control register cr" + n
                + ": the guest named it, and bare metal raises #GP for a control register that"
                + " does not exist (check Registers.isControlRegister and throw the guest's Fault)");
    }

    /** The guest's control register {@code n} ({@link Registers#CR0} ...). */
    public int controlRegister(int n) {
        return switch (n) {
            case Registers.CR0 -> cr0;
            case Registers.CR2 -> cr2;
            case Registers.CR3 -> cr3;
            case Registers.CR4 -> cr4;
            case Registers.CR5 -> cr5;
            default -> throw noSuchControlRegister(n);
        };
    }

    /**
     * Records the guest's control register {@code n}. Only the record: making the MMU follow a
     * new cr0 or cr3 is memory virtualization's work.
     */
    public void setControlRegister(int n, int value) {
        switch (n) {
            case Registers.CR0 -> cr0 = value & (Registers.CR0_PG | Registers.CR0_WP | Registers.CR0_TAG);
            case Registers.CR2 -> cr2 = value;
            case Registers.CR3 -> cr3 = value & 0xFFFF_F000;
            case Registers.CR4 -> cr4 = value;
            case Registers.CR5 -> cr5 = value;
            default -> throw noSuchControlRegister(n);
        }
    }

    public boolean pagingEnabled() {
        return (cr0 & Registers.CR0_PG) != 0;
    }

    public int idtr() {
        return idtr;
    }

    public void setIdtr(int idtr) {
        this.idtr = idtr;
    }

    /** The state the guest would see on bare metal. */
    public CpuSnapshot snapshot() {
        int[] registers = new int[Registers.COUNT];
        for (int r = 0; r < Registers.COUNT; r++) {
            registers[r] = register(r);
        }
        return new CpuSnapshot(registers, pc(), flags(), cr0, cr2, cr3, cr4, cr5, idtr);
    }

    // --- time ----------------------------------------------------------------------------------

    /** The guest's ticks: instructions retired plus ticks waited. */
    public long ticks() {
        return ticks;
    }

    /** Guest instructions retired, whether run directly, translated or emulated. */
    public long instructions() {
        return ticks - idleTicks;
    }

    /** {@code count} guest instructions retired by the VMM, emulated or translated. */
    public void retire(long count) {
        ticks += count;
    }

    /** {@code count} guest instructions retired by the real CPU, run directly. */
    public void retireDirectly(long count) {
        ticks += count;
        directInstructions += count;
    }

    /** Guest instructions the real CPU ran directly: Popek and Goldberg's efficiency counts these. */
    public long directInstructions() {
        return directInstructions;
    }

    /** Waiting in {@code hlt}: time skips to {@code tick}. */
    public void idleUntil(long tick) {
        if (tick > ticks) {
            idleTicks += tick - ticks;
            ticks = tick;
        }
    }

    /** An {@code sti} just retired: as on the x86, one more instruction runs before any interrupt. */
    public void blockInterruptsForOneInstruction() {
        interruptsBlockedUntil = ticks + 1;
    }

    public long interruptsBlockedUntil() {
        return interruptsBlockedUntil;
    }

    /** True if a virtual interrupt may be taken now: virtual IF on and no STI shadow. */
    public boolean interruptible() {
        return virtualIf && ticks >= interruptsBlockedUntil;
    }

    public boolean waiting() {
        return waiting;
    }

    /** The guest executed {@code hlt} with interrupts on: it waits for the next interrupt. */
    public void startWaiting() {
        waiting = true;
        eventsWaited = 0;
    }

    public void stopWaiting() {
        waiting = false;
    }

    /** Device events passed while waiting (see the bare machine's idle rule). */
    public long eventsWaited() {
        return eventsWaited;
    }

    public void countEventWaited() {
        eventsWaited++;
    }

    // --- state as a value -----------------------------------------------------------------------

    /**
     * Everything of this vCPU that a snapshot or a migration must carry: the guest's registers,
     * pc and FLAGS as it sees them, its control registers and interrupt-table base, and its time
     * (ticks, of which some were waited in {@code hlt}; the STI shadow; a wait in progress). Not
     * the binding, which belongs to the CPU technique of wherever the vCPU runs.
     *
     * @param registers             the general registers, r0 included (it reads as zero)
     * @param pc                    the next instruction
     * @param flags                 FLAGS as the guest would read them ({@link #flags()})
     * @param controlRegisters      cr0, cr2, cr3, cr4 and cr5, in that order
     * @param idtr                  the interrupt-table base
     * @param ticks                 the guest's ticks
     * @param idleTicks             those of them waited in {@code hlt}
     * @param directInstructions    instructions the real CPU ran directly
     * @param interruptsBlockedUntil the tick before which no interrupt is taken (an {@code sti} shadow)
     * @param waiting               waiting in {@code hlt}
     * @param eventsWaited          device events passed while waiting
     * @param stopReason            why the vCPU stopped, or null if it did not
     * @param stopDetail            the stop's detail ("" if it did not stop)
     */
    public record State(int[] registers, int pc, int flags, int[] controlRegisters, int idtr, long ticks,
            long idleTicks, long directInstructions, long interruptsBlockedUntil, boolean waiting,
            long eventsWaited, StopReason stopReason, String stopDetail) {
        public State {
            if (registers.length != Registers.COUNT) {
                throw new IllegalArgumentException("a vCPU has " + Registers.COUNT + " registers, not "
                        + registers.length);
            }
            if (controlRegisters.length != CONTROL_REGISTER_COUNT) {
                throw new IllegalArgumentException("a vCPU state holds " + CONTROL_REGISTER_COUNT
                        + " control registers (cr0, cr2, cr3, cr4, cr5), not " + controlRegisters.length);
            }
            if (ticks < 0 || idleTicks < 0 || idleTicks > ticks || directInstructions < 0
                    || directInstructions > ticks - idleTicks || eventsWaited < 0) {
                throw new IllegalArgumentException(String.format("inconsistent vCPU time: %d ticks, %d idle,"
                        + " %d direct, %d events waited", ticks, idleTicks, directInstructions, eventsWaited));
            }
            registers = registers.clone();
            controlRegisters = controlRegisters.clone();
            stopDetail = stopDetail == null ? "" : stopDetail;
        }

        @Override
        public int[] registers() {
            return registers.clone();
        }

        @Override
        public int[] controlRegisters() {
            return controlRegisters.clone();
        }

        /** Instructions retired. */
        public long instructions() {
            return ticks - idleTicks;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && java.util.Arrays.equals(registers, s.registers) && pc == s.pc
                    && flags == s.flags && java.util.Arrays.equals(controlRegisters, s.controlRegisters)
                    && idtr == s.idtr && ticks == s.ticks && idleTicks == s.idleTicks
                    && directInstructions == s.directInstructions
                    && interruptsBlockedUntil == s.interruptsBlockedUntil && waiting == s.waiting
                    && eventsWaited == s.eventsWaited && stopReason == s.stopReason
                    && stopDetail.equals(s.stopDetail);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(registers) * 31 + java.util.Objects.hash(pc, flags, ticks, stopReason);
        }

        @Override
        public String toString() {
            return String.format("vCPU at pc=0x%08x flags=0x%08x, %d instructions, %d ticks%s", pc, flags,
                    instructions(), ticks, stopReason == null ? "" : ", stopped " + stopReason);
        }
    }

    /** How many control registers a state holds; the record reads this, not the table (a static array it could write). */
    private static final int CONTROL_REGISTER_COUNT = 5;

    private static final int[] CONTROL_REGISTERS = {Registers.CR0, Registers.CR2, Registers.CR3, Registers.CR4,
        Registers.CR5};

    /** This vCPU's state as a value. */
    public State state() {
        int[] registers = new int[Registers.COUNT];
        for (int r = 0; r < Registers.COUNT; r++) {
            registers[r] = register(r);
        }
        int[] crs = new int[CONTROL_REGISTERS.length];
        for (int i = 0; i < crs.length; i++) {
            crs[i] = controlRegister(CONTROL_REGISTERS[i]);
        }
        return new State(registers, pc(), flags(), crs, idtr, ticks, idleTicks, directInstructions,
                interruptsBlockedUntil, waiting, eventsWaited, stopReason, stopDetail);
    }

    /**
     * Puts this vCPU in {@code state}, taken here or on another host. The vCPU must not be loaded
     * on the real CPU (world switch in afterwards loads it).
     *
     * @throws IllegalStateException if the vCPU is loaded
     */
    public void restore(State state) {
        if (loaded) {
            throw new IllegalStateException("restore a vCPU while it is switched out, not loaded on the real CPU");
        }
        int[] registers = state.registers();
        for (int r = 1; r < Registers.COUNT; r++) {
            savedRegisters[r] = registers[r];
        }
        savedPc = state.pc();
        setFlags(state.flags());
        int[] crs = state.controlRegisters();
        for (int i = 0; i < crs.length; i++) {
            setControlRegister(CONTROL_REGISTERS[i], crs[i]);
        }
        idtr = state.idtr();
        ticks = state.ticks();
        idleTicks = state.idleTicks();
        directInstructions = state.directInstructions();
        interruptsBlockedUntil = state.interruptsBlockedUntil();
        waiting = state.waiting();
        eventsWaited = state.eventsWaited();
        stopReason = state.stopReason();
        stopDetail = state.stopDetail();
    }

    // --- stopping ------------------------------------------------------------------------------

    public void stop(StopReason reason, String detail) {
        if (stopReason == null) {
            stopReason = reason;
            stopDetail = detail;
        }
    }

    public boolean stopped() {
        return stopReason != null;
    }

    public StopReason stopReason() {
        return stopReason;
    }

    public String stopDetail() {
        return stopDetail;
    }
}
