package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.asm.Disassembler;
import org.vmlab.machine.Clock;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.overcommit.Balloon;

/**
 * One virtual machine: guest-physical memory backed by machine frames, emulated devices, a vCPU,
 * and the two techniques it was built with, one for the CPU and one for memory.
 *
 * <p>{@link #runSlice} is the VMM's loop for this VM, the same loop as the bare machine's
 * processor, one level up: run device events that are due, inject a virtual interrupt if the
 * guest can take one, idle while the guest waits in {@code hlt}, else run the guest directly
 * (through the CPU technique) until it exits, and handle the exit. Because the guest's time is
 * counted in its own instructions, every interrupt reaches the guest at the instruction where it
 * would have reached it on bare metal, and the run's observables can be compared exactly.
 */
public final class VirtualMachine {
    private final VmConfig config;
    private final Machine host;
    private final GuestPhysicalMemory memory;
    private final Board devices;
    private final Vcpu vcpu;
    private final GuestVirtualMemory guestMemory;
    private final VirtualTraps traps;
    private final CpuVirtualization cpuVirtualization;
    private final MemoryVirtualization memoryVirtualization;
    private final DeviceVirtualization deviceVirtualization;
    private final VmmCounters counters;
    private final Balloon balloon;
    private final List<VmmEvent> events;
    private final ExitHandlers exitHandlers = new ExitHandlers();
    private final HypercallTable hypercalls = new HypercallTable();
    private final FaultLoopWatch faultLoops = new FaultLoopWatch();
    private VmmTrace trace = VmmTrace.NONE;
    private SymbolTable symbols = SymbolTable.empty();
    private long guestCycles;
    // Where the guest's run began, in the real CPU's ticks and the guest's (guestTicksNow).
    private long runStartHostTicks;
    private long runStartGuestTicks;
    private boolean running;

    public VirtualMachine(VmConfig config, Machine host, MachineFrames frames,
            CpuVirtualization cpuVirtualization, MemoryVirtualization memoryVirtualization,
            VmmCostModel costs) {
        this(config, host, frames, cpuVirtualization, memoryVirtualization, DeviceVirtualization.emulated(), costs);
    }

    /**
     * A VM of {@code config} on {@code host}, its frames from {@code frames}, built with one
     * technique for each seam. The techniques are attached in order: memory (it may decide the
     * backing), devices, then CPU.
     */
    public VirtualMachine(VmConfig config, Machine host, MachineFrames frames,
            CpuVirtualization cpuVirtualization, MemoryVirtualization memoryVirtualization,
            DeviceVirtualization deviceVirtualization, VmmCostModel costs) {
        if (memoryVirtualization.nestedTranslation().isPresent()
                && (cpuVirtualization == null || !cpuVirtualization.runsNestedPaging())) {
            throw new IllegalArgumentException("memory technique '" + memoryVirtualization.name() + "' uses the"
                    + " processor's nested paging, which CPU technique '"
                    + (cpuVirtualization == null ? "none" : cpuVirtualization.name())
                    + "' does not run the guest with: use a hardware-assisted one (hardware)");
        }
        this.config = config;
        this.host = host;
        this.memory = new GuestPhysicalMemory(config.name(), config.memoryBytes(), config.frameLimit(), frames);
        this.devices = new Board(new BoundedDma(memory, "guest RAM"), config.devices(),
                deviceVirtualization.wiring(host));
        this.vcpu = new Vcpu(host.cpu(), 0, cpuVirtualization == null ? RingCompression.INSTANCE
                : cpuVirtualization.binding());
        this.guestMemory = new GuestVirtualMemory(vcpu, memory, devices);
        this.traps = new VirtualTraps(vcpu, guestMemory, config.fuel());
        this.cpuVirtualization = cpuVirtualization;
        this.memoryVirtualization = memoryVirtualization;
        this.deviceVirtualization = deviceVirtualization;
        this.counters = new VmmCounters(costs);
        this.balloon = new Balloon(memory, devices.standard().balloon(), counters);
        this.events = eventsOf(cpuVirtualization, memoryVirtualization, deviceVirtualization);
        registerCoreHandlers();
        memory.addListener(new CopyOnWriteBreaks());
        memoryVirtualization.attach(this);   // before anything is loaded: it may decide the backing
        deviceVirtualization.attach(this);
        if (cpuVirtualization != null) {
            cpuVirtualization.attach(this);
        }
    }

    /**
     * The exits the core handles itself, whatever the techniques: the VMM's timer, a real
     * interrupt, a page fault (asking memory virtualization whose it is), an interrupt window (the
     * loop then looks at pending interrupts) and a hypercall (routed by its number).
     */
    private void registerCoreHandlers() {
        exitHandlers.register(Exit.Timer.class, "the VMM core", (vm, exit) -> counters.event(CoreEvent.TIMER_EXIT));
        exitHandlers.register(Exit.ExternalInterrupt.class, "the VMM core", (vm, exit) -> externalInterrupt());
        exitHandlers.register(Exit.PageFault.class, "the VMM core", (vm, exit) -> pageFault(exit));
        exitHandlers.register(Exit.InterruptWindow.class, "the VMM core", (vm, exit) -> { });
        exitHandlers.register(Exit.Hypercall.class, "the VMM core", hypercalls::dispatch);
    }

    /** Name of the counter of copy-on-write breaks: shared guest frames given a private copy. */
    public static final String COW_BREAKS = "sharing.cow_breaks";

    /**
     * Counts every copy-on-write break of this VM's shared frames, whoever wrote: the guest (its
     * store faulted on the read-only frame), the VMM or a device's DMA. Each is the one change
     * of an entry from shared to private ({@link GuestPhysicalMemory#breakSharing}).
     */
    private final class CopyOnWriteBreaks implements GuestPhysicalMemory.ChangeListener {
        @Override
        public void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
            if (before instanceof P2mEntry.Shared && after instanceof P2mEntry.Ram) {
                counters.add(COW_BREAKS, 1);
            }
        }
    }

    /**
     * Every event this VM's VMM may charge, in order: the core's, then the CPU technique's, the
     * memory technique's and the device technique's. Their names are unique: a technique that declares an event under a
     * name already taken is refused when the VM is made.
     */
    public List<VmmEvent> events() {
        return events;
    }

    private static List<VmmEvent> eventsOf(CpuVirtualization cpu, MemoryVirtualization memory,
            DeviceVirtualization devices) {
        Map<String, String> declaredBy = new HashMap<>();
        List<VmmEvent> all = new ArrayList<>();
        declare(all, declaredBy, "the VMM core", CoreEvent.ALL);
        if (cpu != null) {
            declare(all, declaredBy, cpu.name(), cpu.events());
        }
        if (memory != null) {
            declare(all, declaredBy, memory.name(), memory.events());
        }
        declare(all, declaredBy, devices.name(), devices.events());
        return List.copyOf(all);
    }

    private static void declare(List<VmmEvent> all, Map<String, String> declaredBy, String owner,
            List<VmmEvent> events) {
        for (VmmEvent event : events) {
            String taken = declaredBy.putIfAbsent(event.name(), owner);
            if (taken != null) {
                throw new IllegalArgumentException("two events are named " + event.name() + ": "
                        + taken + "'s and " + owner + "'s");
            }
            all.add(event);
        }
    }

    /**
     * The VM is going: its techniques give back what they took of the machine, and its frames
     * return to the hypervisor's free pool. Called by {@link Hypervisor#remove}.
     */
    void detach() {
        if (cpuVirtualization != null) {
            cpuVirtualization.detach(this);
        }
        memoryVirtualization.detach();
        deviceVirtualization.detach(this);
        memory.releaseAll();
    }

    /**
     * Loads a program into guest memory, as a bare machine's loader would; pc at its entry. The CPU
     * technique then builds what else its guest expects ({@link CpuVirtualization#loaded}).
     */
    public void load(Image image) {
        memory.load(image);
        vcpu.setPc(image.entry());
        symbols = image.symbols();
        if (cpuVirtualization != null) {
            cpuVirtualization.loaded(this, image);
        }
    }

    // --- the VMM's loop --------------------------------------------------------------------------

    /**
     * World switch in: the machine set up as the vCPU's binding needs it, then this VM's state
     * onto the real CPU and MMU.
     */
    public void switchIn() {
        vcpu.binding().enter(host);
        deviceVirtualization.activate(this);
        if (cpuVirtualization != null) {
            cpuVirtualization.activate(this);
        }
        vcpu.load();
        memoryVirtualization.activate();
    }

    /** World switch out. */
    public void switchOut() {
        vcpu.save();
    }

    /**
     * Runs this VM by itself until it stops (the hypervisor's other VMs wait), and says what the
     * guest did.
     */
    public RunResult run() {
        switchIn();
        try {
            while (!vcpu.stopped()) {
                runSlice(Long.MAX_VALUE / 2);
            }
        } finally {
            switchOut();
        }
        return result();
    }

    /**
     * Runs the guest (switched in) until it stops or has retired {@code instructions} more
     * instructions: its time slice.
     */
    public void runSlice(long instructions) {
        long end = vcpu.instructions() + instructions;
        while (!vcpu.stopped() && vcpu.instructions() < end) {
            try {
                step(end);
            } catch (GuestPhysicalMemory.MemoryLimitExceeded e) {
                vcpu.stop(StopReason.RESOURCE_LIMIT, "stopped by the VMM: " + e.getMessage());
            } catch (MachineFrames.OutOfMachineMemory e) {
                // Overcommitted: this VM cannot get a frame (a first use, a copy-on-write break); it
                // stops, the others go on.
                vcpu.stop(StopReason.RESOURCE_LIMIT, "stopped by the VMM: the machine is out of memory: "
                        + e.getMessage());
            } catch (GuestPhysicalMemory.BalloonedPageAccess e) {
                vcpu.stop(StopReason.GUEST_ERROR, "stopped by the VMM: " + e.getMessage());
            }
        }
    }

    private void step(long sliceEnd) {
        if (vcpu.instructions() >= config.fuel()) {
            vcpu.stop(StopReason.FUEL_EXHAUSTED, "retired " + vcpu.instructions() + " instructions");
            return;
        }
        Clock clock = devices.clock();
        clock.advanceTo(vcpu.ticks());
        clock.runDue();
        InterruptController pic = devices.pic();
        if (vcpu.interruptible() && pic.hasDeliverable()) {
            if (traps.trapsSpentTheFuel()) {
                return;
            }
            int vector = pic.acknowledge();
            counters.event(CoreEvent.INJECTION);
            trace.injection(this, vector, cycles());
            cpuVirtualization.inject(this, vector);
            return;
        }
        if (vcpu.waiting()) {
            idle();
            return;
        }
        long budget = Math.min(clock.nextDeadline() - vcpu.ticks(), config.fuel() - vcpu.instructions());
        budget = Math.min(budget, sliceEnd - vcpu.instructions());
        if (vcpu.interruptsBlockedUntil() > vcpu.ticks()) {
            budget = Math.min(budget, vcpu.interruptsBlockedUntil() - vcpu.ticks());
        }
        runGuest(Math.max(budget, 1));
    }

    private void runGuest(long budget) {
        long before = host.cycles();
        runStartHostTicks = host.cpu().ticks();
        runStartGuestTicks = vcpu.ticks();
        running = true;
        Exit exit;
        try {
            exit = cpuVirtualization.run(this, budget);
        } finally {
            running = false;
        }
        guestCycles += host.cycles() - before;
        counters.exit(exit);
        long start = cycles();
        try {
            handle(exit);
        } catch (Fault f) {
            traps.reflect(f, vcpu.pc());
        }
        trace.exit(this, exit, start, cycles());
    }

    /**
     * The guest's time now, in its own ticks: while the guest runs directly on the real CPU (from
     * a device access it made there), the ticks it had when the run began plus those the real
     * CPU has counted since; otherwise the vCPU's. A device that the guest reaches without an exit
     * (one assigned to the VM) is brought to this time before each access, as the VM's own
     * devices are before each run, so that it acts at the very tick it would on bare metal.
     */
    public long guestTicksNow() {
        return running ? runStartGuestTicks + host.cpu().ticks() - runStartHostTicks : vcpu.ticks();
    }

    /**
     * The VMM emulated one access of the guest to a device register: charged {@link
     * CoreEvent#DEVICE_EMULATION}, and whatever the device technique adds for the trip to where
     * its device model runs ({@link DeviceVirtualization#accessEmulated}). A CPU technique calls
     * this for each device access it emulates.
     */
    public void deviceAccessEmulated() {
        counters.event(CoreEvent.DEVICE_EMULATION);
        deviceVirtualization.accessEmulated(this);
    }

    /**
     * Memory virtualization traced a write of the guest's as it landed, made by the instruction at
     * the vCPU's pc: the CPU technique hears of it ({@link CpuVirtualization#writeTraced}).
     */
    public void writeTraced() {
        if (cpuVirtualization != null) {
            cpuVirtualization.writeTraced(this);
        }
    }

    /** Reports what a technique did for the guest instruction at {@code pc} to the trace. */
    public void mark(String category, String name, int pc) {
        trace.mark(this, category, name, pc, cycles());
    }

    private void handle(Exit exit) {
        long retired = vcpu.instructions();
        if (!exitHandlers.handle(this, exit)) {
            vcpu.stop(StopReason.MONITOR_ERROR, "no handler for the exit " + Exit.describe(exit)
                    + ": the VM's techniques raise it but none registered a handler for "
                    + exit.getClass().getSimpleName() + " exits");
            return;
        }
        if (exit instanceof InstructionExit emulated) {
            checkRetired(emulated, retired);
        }
    }

    private void pageFault(Exit.PageFault exit) {
        PageFaultOutcome outcome = memoryVirtualization.pageFault(exit);
        if (cpuVirtualization != null && !vcpu.stopped()) {
            cpuVirtualization.pageFaultExit(this, exit, outcome);
        }
        memoryExitHandled(exit, exit.address(), exit.errorCode(), outcome);
    }

    /**
     * Completes an exit that memory virtualization handled: a page fault, or an EPT violation
     * (which a hardware-assisted CPU technique hands to {@link NestedTranslation#violation}).
     * The guest's fault is reflected into it; an access to emulate is emulated (code fetched
     * from a device register is the guest's #GP, as on bare metal); a fixed fault lets the guest
     * run the access again, unless the same fault has been "fixed" too often without progress,
     * which stops the VM with the VMM's error.
     *
     * @param exit      the exit, whose pc is the instruction that made the access
     * @param address   the address the access was to (guest-virtual, or guest-physical for a
     *                  violation of the nested tables)
     * @param errorCode the access, as a page fault's error code gives it ({@link Vector#PF_WRITE},
     *                  {@link Vector#PF_FETCH}, ...)
     * @param outcome   what memory virtualization made of it
     */
    public void memoryExitHandled(Exit exit, int address, int errorCode, PageFaultOutcome outcome) {
        boolean emulated = outcome instanceof PageFaultOutcome.Emulate
                || outcome instanceof PageFaultOutcome.TracedWrite;
        if (outcome instanceof PageFaultOutcome.GuestFault guest) {
            counters.event(CoreEvent.REFLECTION);
            traps.reflect(guest.fault(), exit.pc());
        } else if (emulated && (errorCode & Vector.PF_FETCH) != 0) {
            // code fetched from a device register: bare metal raises #GP, never runs it
            counters.event(CoreEvent.REFLECTION);
            traps.reflect(new Fault(Vector.GENERAL_PROTECTION, 0), exit.pc());
        } else if (outcome instanceof PageFaultOutcome.TracedWrite traced) {
            counters.event(traced.trap());
            MemoryInstructionEmulator.emulate(this);
        } else if (outcome instanceof PageFaultOutcome.Emulate emulate) {
            emulate.charges().forEach(counters::event);
            if (emulate.charges().contains(CoreEvent.DEVICE_EMULATION)) {
                deviceVirtualization.accessEmulated(this);
            }
            MemoryInstructionEmulator.emulate(this);
        } else {
            String loop = faultLoops.fixed(exit, address, errorCode, vcpu.instructions());
            if (loop != null) {
                vcpu.stop(StopReason.MONITOR_ERROR, loop);
            }
        }
    }

    /**
     * A real interrupt came while the guest ran: it is the machine's (a device that no VM owns),
     * not the guest's. The VMM acknowledges it, so that it does not come again at once; routing it
     * to the VM that owns the device is a device technique's work.
     */
    private void externalInterrupt() {
        counters.event(CoreEvent.EXTERNAL_INTERRUPT);
        if (host.pic().hasDeliverable()) {
            host.pic().acknowledge();
        }
    }

    /**
     * An instruction the VMM emulated moved pc past itself but was not counted: the guest's
     * instruction count, its device time and every later interrupt would drift from bare metal.
     * That is the VMM's error, and is said so at once rather than as a divergence later.
     */
    private void checkRetired(InstructionExit exit, long retiredBefore) {
        if (!vcpu.stopped() && vcpu.pc() == exit.pc() + 4
                && vcpu.instructions() == retiredBefore) {
            vcpu.stop(StopReason.MONITOR_ERROR, String.format("`%s` at pc=0x%08x was emulated"
                    + " (pc moved past it) but not retired: count it with Vcpu.retire(1)",
                    new Disassembler().disassemble(exit.instruction().encode(),
                            exit.pc(), symbols), exit.pc()));
        }
    }

    /** The bare machine's idle rule, in the guest's time: skip to the next device event. */
    private void idle() {
        Clock clock = devices.clock();
        long next = clock.nextDeadline();
        if (next == Long.MAX_VALUE) {
            vcpu.stop(StopReason.IDLE_FOREVER, "hlt with interrupts enabled, but no device event is pending");
            return;
        }
        if (vcpu.eventsWaited() >= config.fuel() - vcpu.instructions()) {
            vcpu.stop(StopReason.IDLE_FOREVER, String.format("hlt at pc=0x%08x with interrupts enabled "
                    + "waited through %d device events, none of which could interrupt "
                    + "(lines masked or in service)", vcpu.pc() - 4, vcpu.eventsWaited()));
            return;
        }
        vcpu.countEventWaited();
        vcpu.idleUntil(next);
    }

    // --- state as a value: snapshots and migration -------------------------------------------------

    /**
     * Why this VM cannot be captured and put back elsewhere, or empty if it can: the first reason
     * that its CPU, memory or device technique gives ({@code whyNotCapturable}), or guest memory
     * that the VMM cannot read page by page.
     */
    public java.util.Optional<String> whyNotCapturable() {
        java.util.Optional<String> reason = cpuVirtualization == null ? java.util.Optional.empty()
                : cpuVirtualization.whyNotCapturable();
        if (reason.isEmpty()) {
            reason = memoryVirtualization.whyNotCapturable();
        }
        if (reason.isEmpty()) {
            reason = deviceVirtualization.whyNotCapturable();
        }
        return reason.map(why -> name() + " cannot be captured: " + why);
    }

    /** True if no technique holds anything of the guest's in flight ({@link CpuVirtualization#settled}). */
    public boolean settled() {
        return cpuVirtualization == null || cpuVirtualization.settled(this);
    }

    /**
     * Runs the guest (switched in) one instruction at a time until it is {@link #settled}, or it
     * stops, or {@code maxInstructions} have retired: the point a capture waits for. Guest time
     * runs as it would have anyway, so that the capture stays exact.
     *
     * @return true if settled
     */
    public boolean settle(long maxInstructions) {
        long end = vcpu.instructions() + maxInstructions;
        while (!settled() && !vcpu.stopped() && vcpu.instructions() < end) {
            runSlice(1);
        }
        return settled();
    }

    /**
     * This VM's state besides memory, at a boundary between two runs of the guest (not while it
     * runs): the vCPU and the board. With its pages, enough to go on exactly elsewhere
     * ({@link #restore}).
     *
     * @throws NotCapturable if a technique keeps state of the guest's that cannot move ({@link
     *         #whyNotCapturable}), or holds some in flight ({@link #settle} first)
     */
    public VmState capture() {
        java.util.Optional<String> why = whyNotCapturable();
        if (why.isPresent()) {
            throw new NotCapturable(why.get());
        }
        if (running) {
            throw new IllegalStateException("capture " + name() + " between runs of the guest, not while it runs");
        }
        if (!settled()) {
            throw new NotCapturable(name() + " cannot be captured now: its CPU technique holds an event"
                    + " in flight; settle() it first");
        }
        return new VmState(vcpu.state(), devices.state());
    }

    /**
     * Puts this VM, which was made with the same {@link VmConfig} (its devices) and is switched
     * out, in {@code state}, captured here or on another host: the board first (it is checked and
     * left unchanged if it does not fit), then the vCPU. Its memory is put back page by page
     * ({@link GuestPhysicalMemory#restorePage}). The techniques rebuild what they derive at the
     * next world switch in.
     *
     * @throws IllegalArgumentException if the board's state does not fit this VM's devices
     * @throws IllegalStateException if the vCPU is loaded on the real CPU, or the guest has run
     *         already (what its techniques derived would be stale)
     */
    public void restore(VmState state) {
        if (vcpu.loaded()) {
            throw new IllegalStateException("restore " + name() + " while it is switched out");
        }
        if (vcpu.ticks() != 0) {
            throw new IllegalStateException("restore into a VM whose guest has not run yet, not into " + name()
                    + ", which has run " + vcpu.ticks() + " ticks");
        }
        // The VM's clock reads the guest's ticks (no offset); it may lag them between two steps,
        // and catches up at the next one, as it would have where it was captured.
        devices.restore(state.devices(), state.devices().clock().now());
        vcpu.restore(state.vcpu());
        memoryVirtualization.restored();
    }

    /** Names the symbols of the guest's program, for messages, on a VM whose memory was restored rather than loaded. */
    public void useSymbols(SymbolTable symbols) {
        this.symbols = java.util.Objects.requireNonNull(symbols, "symbols");
    }

    /** A VM whose state cannot be captured (now, or with its techniques), and why. */
    public static final class NotCapturable extends RuntimeException {
        public NotCapturable(String message) {
            super(message);
        }
    }

    // --- results ---------------------------------------------------------------------------------

    /** What the guest did, in the bare machine's terms, so that the two compare directly. */
    public RunResult result() {
        RunResult.Observables observables = RunResult.Observables.of(devices.observables(), memory.digest(),
                vcpu.snapshot());
        StopReason reason = vcpu.stopped() ? vcpu.stopReason() : StopReason.FUEL_EXHAUSTED;
        return new RunResult(reason, vcpu.stopDetail(), observables, vcpu.instructions(),
                vcpu.ticks(), cycles(), counterMap());
    }

    /** Simulated cycles: the guest's own (run directly) plus everything the VMM spent for it. */
    public long cycles() {
        return guestCycles + counters.cycles();
    }

    private Map<String, Long> counterMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("instructions", vcpu.instructions());
        m.put("ticks", vcpu.ticks());
        m.put("instructions.direct", vcpu.directInstructions());
        m.put("cycles.guest", guestCycles);
        m.put("cycles.vmm", counters.cycles());
        m.put("frames", (long) memory.framesInUse());
        m.putAll(counters.asMap());
        return m;
    }

    // --- parts ---------------------------------------------------------------------------------

    public VmConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The real machine this VM runs on (shared with the VMM and any other VM). */
    public Machine host() {
        return host;
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public GuestPhysicalMemory memory() {
        return memory;
    }

    /** Guest-virtual memory, as the VMM accesses it on the guest's behalf. */
    public GuestVirtualMemory guestMemory() {
        return guestMemory;
    }

    public Board devices() {
        return devices;
    }

    public VirtualTraps traps() {
        return traps;
    }

    public CpuVirtualization cpuVirtualization() {
        return cpuVirtualization;
    }

    public MemoryVirtualization memoryVirtualization() {
        return memoryVirtualization;
    }

    public DeviceVirtualization deviceVirtualization() {
        return deviceVirtualization;
    }

    /** The table of exit handlers: where a technique registers the handlers of its exits. */
    public ExitHandlers exitHandlers() {
        return exitHandlers;
    }

    /** The table of hypercalls: where a technique registers the hypercalls it serves. */
    public HypercallTable hypercalls() {
        return hypercalls;
    }

    public VmmCounters counters() {
        return counters;
    }

    /** The VMM's end of the VM's memory balloon: the target it sets, what the guest gave back. */
    public Balloon balloon() {
        return balloon;
    }

    public SymbolTable symbols() {
        return symbols;
    }

    public VmmTrace trace() {
        return trace;
    }

    public void setTrace(VmmTrace trace) {
        this.trace = trace;
    }

    public boolean stopped() {
        return vcpu.stopped();
    }
}
