package org.vmlab.cpu.bt;

import java.util.List;
import org.vmlab.cpu.DirectExecution;
import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.memory.PhysicalMemory.CodeWriteListener;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.ExitHandlers;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MemoryInstructionEmulator;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Dynamic binary translation, as in VMware's VMM (Adams and Agesen 2006, section 3): the guest's
 * user code runs directly, deprivileged; its kernel code never runs as written. The kernel is
 * translated a basic block at a time, on first execution: innocuous instructions are copied as
 * they are, sensitive ones are replaced by an in-cache sequence or a callout into the VMM. So the
 * sensitive instructions that do not trap (the legacy ISA's {@code popf}, {@code pushf},
 * {@code smsw}, {@code sidt}) are found by reading the code before it runs, not by trapping.
 *
 * <p>How the translated units run here: the copied (IDENT) instructions of a unit are bit for bit
 * the guest's, so they run in place on the real CPU, exactly that many, bounded by the instruction
 * budget; an in-cache instruction is emulated on the vCPU without leaving the cache, and a callout
 * leaves it for the VMM. Units are chained along direct branches and fall-throughs; an indirect
 * branch looks its target up. A write to guest code that was translated invalidates its units.
 *
 * <p>The translator adapts (section 3.2): a control-register write or a port access that the rules
 * make a callout is emulated in the cache when the instance needs nothing more ({@link
 * InCacheSafety#specializes}), and a copied store that keeps trapping on traced page tables is
 * translated again as a callout that emulates it ({@link AdaptiveTranslation}), which the VMM
 * learns from its page-fault exits ({@link #pageFaultExit}).
 */
public final class BinaryTranslation implements CpuVirtualization {
    private final TranslationRules rules;
    private final InstructionEmulator emulator;
    private final Translator translator;
    private final TranslationCache cache = new TranslationCache();
    private final AdaptiveTranslation adaptive = new AdaptiveTranslation();
    // Whether an adaptive callout's store is being emulated, and whether the VMM traced it.
    private boolean calloutInProgress;
    private boolean calloutTraced;
    private CodeWriteListener codeWrites;
    private GuestPhysicalMemory.ChangeListener remaps;

    /**
     * @param rules    how guest kernel instructions are translated, and what writes invalidate
     * @param emulator what in-cache sequences and callouts do to the vCPU
     */
    public BinaryTranslation(TranslationRules rules, InstructionEmulator emulator) {
        this.rules = rules;
        this.emulator = emulator;
        this.translator = new Translator(rules, adaptive);
    }

    @Override
    public String name() {
        return "binary-translation";
    }

    public TranslationCache cache() {
        return cache;
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        long remaining = budget;
        TranslationUnit previous = null;
        while (remaining > 0) {
            if (vm.vcpu().virtualRing() != 0) {
                return runUserCode(vm, remaining);
            }
            TranslationUnit unit;
            try {
                unit = unitAt(vm, previous);
            } catch (Fault f) {
                return faultAt(vm, f);
            }
            Step step = execute(vm, unit, remaining);
            remaining -= step.retired();
            if (step.exit() != null) {
                return step.exit();
            }
            previous = unit.valid() && !unit.endsIndirect() ? unit : null;
        }
        return new Exit.Timer(vm.vcpu().pc());
    }

    /** User code runs directly: it is deprivileged for real, in ring 3 as the guest wants it. */
    private static Exit runUserCode(VirtualMachine vm, long budget) {
        Trap trap = DirectExecution.run(vm, budget);
        return trap == null ? new Exit.Timer(vm.vcpu().pc()) : DirectExecution.exitFor(trap);
    }

    /** The unit at the vCPU's pc: chained from the previous one, found in the cache, or translated. */
    private TranslationUnit unitAt(VirtualMachine vm, TranslationUnit previous) {
        int pc = vm.vcpu().pc();
        if (previous != null) {
            TranslationUnit chained = previous.link(pc);
            if (chained != null && chained.valid()) {
                vm.counters().add("bt.chained", 1);
                return chained;
            }
        } else {
            vm.counters().event(TranslationEvent.INDIRECT_LOOKUP);
        }
        TranslationUnit unit = cache.lookup(pc);
        if (unit != null && unit.machineAddress() == Translator.machineAddress(vm, pc)) {
            vm.counters().add("bt.cache_hits", 1);
        } else {
            unit = translate(vm, pc);
        }
        if (previous != null) {
            previous.chain(unit);
        }
        return unit;
    }

    private TranslationUnit translate(VirtualMachine vm, int pc) {
        TranslationUnit unit = translator.translate(vm, pc);
        cache.insert(unit);
        vm.host().memory().markCode(unit.frame());
        vm.counters().add("bt.units_translated", 1);
        for (int i = 0; i < unit.length(); i++) {
            vm.counters().event(TranslationEvent.TRANSLATED_INSTRUCTION);
        }
        vm.mark("bt", "translate", pc);
        return unit;
    }

    /** What running (part of) a unit did: instructions retired, and the exit if control left. */
    private record Step(long retired, Exit exit) {
    }

    /** Runs {@code unit} from the vCPU's pc (its start) for at most {@code budget} instructions. */
    private Step execute(VirtualMachine vm, TranslationUnit unit, long budget) {
        long retired = 0;
        int i = 0;
        while (i < unit.length() && retired < budget) {
            int idents = identRun(unit, i, budget - retired);
            if (idents > 0) {
                long before = vm.vcpu().instructions();
                Trap trap = DirectExecution.run(vm, idents);
                long ran = vm.vcpu().instructions() - before;
                retired += ran;
                i += (int) ran;
                if (trap != null) {
                    return new Step(retired, DirectExecution.exitFor(trap));
                }
                if (!unit.valid()) {
                    return new Step(retired, null);   // it wrote its own code: translate afresh
                }
                continue;
            }
            Instruction insn = unit.instruction(i);
            if (unit.translation(i) == Translation.CALLOUT) {
                int machineAddress = unit.machineAddress() + 4 * i;
                return new Step(retired, new Callout(vm.vcpu().pc(), insn,
                        adaptive.adapts(machineAddress, insn.opcode())));
            }
            try {
                emulateInCache(vm, insn);
            } catch (Fault f) {
                // The emulated instruction faults as the guest's hardware would (a bad control
                // register, a pushf whose store faults): it did not retire, and the guest's
                // handler gets the fault, with cr2, exactly as the hardware delivers it.
                vm.counters().event(CoreEvent.REFLECTION);
                vm.traps().reflect(f, vm.vcpu().pc());
                return new Step(retired, new Exit.InterruptWindow(vm.vcpu().pc()));
            }
            retired++;
            i++;
            if (changesInterruptState(insn.opcode()) || isPortAccess(insn.opcode())) {
                return new Step(retired, new Exit.InterruptWindow(vm.vcpu().pc()));
            }
        }
        return new Step(retired, null);
    }

    /** How many IDENT instructions follow from {@code i}, at most {@code limit}. */
    private static int identRun(TranslationUnit unit, int i, long limit) {
        int n = 0;
        while (i + n < unit.length() && n < limit && unit.translation(i + n) == Translation.IDENT) {
            n++;
        }
        return n;
    }

    private void emulateInCache(VirtualMachine vm, Instruction insn) {
        if (!InCacheSafety.allows(vm, insn)) {
            throw new IllegalStateException(insn.opcode() + " cannot be emulated inside the translation cache: "
                    + InCacheSafety.why(insn.opcode()) + "; translate it as a CALLOUT");
        }
        vm.counters().event(TranslationEvent.IN_CACHE_EMULATION);
        if (isPortAccess(insn.opcode())) {
            vm.deviceAccessEmulated();   // the VMM's own device model does the access's work
        }
        emulator.emulate(vm, insn);
    }

    /**
     * After these, emulated in the cache, an interrupt may have become deliverable: the VMM must
     * look before going on. (Callouts, iret among them, return to the VMM anyway.)
     */
    private static boolean changesInterruptState(Opcode op) {
        return op == Opcode.STI || op == Opcode.POPF;
    }

    /**
     * A port access emulated in the cache may have raised a device's interrupt or set a device
     * event sooner than the one the run was bounded by: the VMM's loop looks at both before the
     * guest goes on, as after a callout.
     */
    private static boolean isPortAccess(Opcode op) {
        return op == Opcode.IN || op == Opcode.OUT;
    }

    /** The guest's fetch of its next instruction faults: report it as the trap it would be. */
    private static Exit faultAt(VirtualMachine vm, Fault f) {
        return DirectExecution.faultExit(vm.vcpu().pc(), f.vector(), f.errorCode(), f.address());
    }

    /**
     * Emulates a sensitive instruction that translated code called out for, or the memory access of
     * a store that adaptive translation made a callout (a write to a traced page table lands
     * through the VMM, which traces it as it lands, without the trap).
     */
    private void callout(VirtualMachine vm, Callout exit) {
        vm.counters().event(TranslationEvent.CALLOUT);
        vm.counters().add("bt.callouts", 1);
        if (exit.emulatesAccess()) {
            vm.counters().add("bt.adaptive_callouts", 1);
            int machineAddress = Translator.machineAddress(vm, exit.pc());
            calloutTraced = false;
            calloutInProgress = true;
            try {
                MemoryInstructionEmulator.emulate(vm);
            } finally {
                calloutInProgress = false;
            }
            if (adaptive.calledOut(machineAddress, calloutTraced)) {
                retranslate(machineAddress);
                vm.counters().add("bt.adaptive_reversions", 1);
                vm.mark("bt", "unadapt", exit.pc());
            }
            return;
        }
        Opcode op = exit.instruction().opcode();
        if (op == Opcode.IN || op == Opcode.OUT) {
            vm.deviceAccessEmulated();
        }
        emulator.emulate(vm, exit.instruction());
    }

    /** A fault of the guest's own (its user code's): the guest's handler gets it. */
    private static void reflectException(VirtualMachine vm, Exit.GuestException exception) {
        vm.counters().event(CoreEvent.REFLECTION);
        vm.traps().deliver(exception.vector(), exception.errorCode(), exception.pc());
    }

    /** A system call of guest user code: the guest kernel's handler gets it. */
    private static void reflectSystemCall(VirtualMachine vm, Exit.SoftwareInterrupt systemCall) {
        vm.counters().event(CoreEvent.REFLECTION);
        vm.traps().softwareInterrupt(systemCall.vector(), systemCall.pc());
    }

    /**
     * Adaptive binary translation learns here: a store of translated kernel code trapped on a
     * traced page table. After {@link AdaptiveTranslation#THRESHOLD} such traps, the units that
     * hold it are dropped, to be translated again with the store as a callout.
     */
    @Override
    public void pageFaultExit(VirtualMachine vm, Exit.PageFault exit, PageFaultOutcome outcome) {
        if (!(outcome instanceof PageFaultOutcome.TracedWrite) || vm.vcpu().virtualRing() != 0) {
            return;   // only translated code adapts; user code runs directly
        }
        int machineAddress;
        try {
            machineAddress = Translator.machineAddress(vm, exit.pc());
        } catch (Fault f) {
            return;
        }
        if (!adaptive.traced(machineAddress)) {
            return;
        }
        retranslate(machineAddress);
        vm.counters().add("bt.adaptive_retranslations", 1);
        vm.mark("bt", "adapt", exit.pc());
    }

    /** The store of an adaptive callout in progress wrote traced memory. */
    @Override
    public void writeTraced(VirtualMachine vm) {
        if (calloutInProgress) {
            calloutTraced = true;
        }
    }

    /** Drops the units that hold the instruction at {@code machineAddress}: they are translated again as they run. */
    private void retranslate(int machineAddress) {
        for (TranslationUnit unit : cache.unitsIn(machineAddress >>> 12)) {
            if (unit.covers(machineAddress)) {
                cache.invalidate(unit);
            }
        }
    }

    /** The guest instructions adaptive translation has made callouts so far. */
    public int adaptedInstructions() {
        return adaptive.adaptedInstructions();
    }

    @Override
    public java.util.List<VmmEvent> events() {
        return TranslationEvent.ALL;
    }

    /**
     * Writes into frames with translations reach the rules, which drop what went stale; a guest
     * frame that moves to another machine frame (a copy-on-write break, ballooning) takes the units
     * translated from its old frame with it, since later writes to its code land elsewhere.
     */
    @Override
    public void attach(VirtualMachine vm) {
        if (codeWrites != null) {
            throw new IllegalStateException("one binary translation serves one VM");
        }
        codeWrites = pa -> {
            if (cache.hasUnitsIn(pa >>> 12)) {
                long before = cache.invalidated();
                rules.codeWritten(cache, pa);
                if (cache.invalidated() > before) {
                    vm.counters().event(TranslationEvent.TRANSLATION_INVALIDATION);
                    vm.counters().add("bt.units_invalidated", cache.invalidated() - before);
                }
            }
        };
        vm.host().memory().addCodeWriteListener(codeWrites);
        remaps = new GuestPhysicalMemory.ChangeListener() {
            @Override
            public void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
                if (before instanceof P2mEntry.Backed old && cache.hasUnitsIn(old.mfn())
                        && !(after instanceof P2mEntry.Backed now && now.mfn() == old.mfn())) {
                    List<TranslationUnit> stale = cache.unitsIn(old.mfn());
                    stale.forEach(cache::invalidate);
                    vm.counters().event(TranslationEvent.TRANSLATION_INVALIDATION);
                    vm.counters().add("bt.units_invalidated", stale.size());
                }
            }
        };
        vm.memory().addListener(remaps);
        ExitHandlers exits = vm.exitHandlers();
        exits.register(Callout.class, name(), this::callout);
        exits.register(Exit.GuestException.class, name(), BinaryTranslation::reflectException);
        exits.register(Exit.SoftwareInterrupt.class, name(), BinaryTranslation::reflectSystemCall);
    }

    /** The VM is going: its listener goes too, so that a machine that outlives it does not keep it. */
    @Override
    public void detach(VirtualMachine vm) {
        if (codeWrites != null) {
            vm.host().memory().removeCodeWriteListener(codeWrites);
            vm.memory().removeListener(remaps);
            codeWrites = null;
            remaps = null;
        }
    }
}
