package org.vmlab.cpu.hardware;

import java.util.List;
import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.ExitHandlers;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.NestedTranslation;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VcpuBinding;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Hardware-assisted virtualization, as KVM's {@code vmx.c} does it on Intel's VT-x: the guest,
 * kernel included, runs unmodified in non-root mode, its kernel in ring 0; the VMCS's controls
 * say what leaves it (a VM exit), and the VMM handles the exit and enters again. Nothing is
 * translated and nothing is deprivileged, so the {@code legacy} ISA's {@code popf} problem does not
 * arise: the guest's {@code popf} changes its own IF.
 *
 * <p>This class is the mechanism: the VMCS, its guest and host state, entering and leaving, the
 * preemption timer's value, event injection. The decisions are a {@link VmcsSetup}'s (the controls:
 * what exits, and why; Lab 6) and an {@link ExitDispatch}'s (what each exit reason is to the VMM;
 * Lab 6); docs/vmm.md, "Hardware assistance", says which they are. cr0 and cr4 are masked: the
 * guest reads the vCPU's values, and a change exits.
 *
 * <p>The exits are routed through the VM's {@link ExitHandlers}: the instructions to emulate ({@code in}, {@code out},
 * {@code mtcr}, {@code mfcr}, {@code invlpg}, {@code hlt}) go to an {@link InstructionEmulator},
 * Lab 1's, which does to the vCPU what the instruction does on bare metal; {@code vmcall} from the
 * guest kernel is a hypercall ({@link HypercallTable}). Virtual interrupts enter the guest by
 * VM-entry event injection.
 */
public final class HardwareAssist implements CpuVirtualization {
    private final InstructionEmulator emulator;
    private final VmcsSetup setup;
    private final ExitDispatch dispatch;
    private final VmcsBinding binding = new VmcsBinding();
    private NestedTranslation nested;   // the memory technique's nested tables, or null: no EPT
    private int reinject;               // an external interrupt an EPT violation interrupted, or 0

    /**
     * @param emulator the instructions that exit, emulated on the vCPU
     * @param setup    the VMCS's controls for each entry
     * @param dispatch what each exit is to the VMM
     */
    public HardwareAssist(InstructionEmulator emulator, VmcsSetup setup, ExitDispatch dispatch) {
        this.emulator = emulator;
        this.setup = setup;
        this.dispatch = dispatch;
    }

    @Override
    public String name() {
        return "hardware";
    }

    /** An event an EPT violation interrupted waits for the next VM entry: it is in flight. */
    @Override
    public boolean settled(VirtualMachine vm) {
        return reinject == 0;
    }

    /** The guest's code runs unmodified on the real CPU, in non-root mode: its ticks are the guest's. */
    @Override
    public boolean guestRunsDirectly() {
        return true;
    }

    /** It runs the guest in non-root mode: the machine needs the vt feature. */
    @Override
    public boolean needsVt() {
        return true;
    }

    /** With a memory technique that has nested tables, it enables EPT and VPID with them. */
    @Override
    public boolean runsNestedPaging() {
        return true;
    }

    @Override
    public VcpuBinding binding() {
        return binding;
    }

    @Override
    public List<VmmEvent> events() {
        return VmxEvent.ALL;
    }

    /**
     * Takes a frame of the VMM's for the vCPU's VMCS, and registers the handlers of the exits it
     * raises. The machine must have the vt feature.
     */
    @Override
    public void attach(VirtualMachine vm) {
        if (!vm.host().cpu().hasVt()) {
            throw new IllegalArgumentException("the hardware technique needs a machine with the vt feature"
                    + " (MachineConfig.builder().vt(true))");
        }
        binding.allocate(vm.memory().machineFrames());
        nested = vm.memoryVirtualization().nestedTranslation().orElse(null);
        ExitHandlers exits = vm.exitHandlers();
        exits.register(Exit.PrivilegedInstruction.class, name(), (v, exit) -> {
            int cr0 = v.vcpu().controlRegister(Registers.CR0);
            emulate(v, exit.instruction());
            if (((cr0 ^ v.vcpu().controlRegister(Registers.CR0)) & (Registers.CR0_PG | Registers.CR0_TAG)) != 0) {
                flushGuestTranslations(v);
            }
        });
        exits.register(Exit.Halt.class, name(), (v, exit) -> emulate(v, exit.instruction()));
        exits.register(Exit.IoAccess.class, name(), (v, exit) -> {
            v.deviceAccessEmulated();
            emulate(v, exit.instruction());
        });
        exits.register(Exit.GuestException.class, name(), (v, exit) -> {
            v.counters().event(CoreEvent.REFLECTION);
            v.traps().deliver(exit.vector(), exit.errorCode(), exit.pc());
        });
        exits.register(VmxExit.VmxInstruction.class, name(), (v, exit) -> {
            v.counters().event(CoreEvent.REFLECTION);
            v.traps().deliver(Vector.INVALID_OPCODE, 0, exit.pc());
        });
        exits.register(VmxExit.Stop.class, name(), (v, exit) -> v.vcpu().stop(exit.reason(), exit.detail()));
        exits.register(VmxExit.EptViolation.class, name(), (v, exit) -> {
            if (nested == null) {   // EPT is on only with nested tables: this VMM never enabled it
                v.vcpu().stop(StopReason.MONITOR_ERROR, "an EPT violation, but this VMM never enabled nested paging");
            } else {
                eptViolation(v, exit);
            }
        });
        exits.register(VmxExit.FaultDuringDelivery.class, name(), this::faultDuringDelivery);
    }

    /**
     * A page fault met while the processor delivered an event through the guest's table (its
     * gate, its frame on the stack): the memory technique's, or the guest's. A hidden fault is
     * fixed and the event delivered again (an external interrupt injected again; a fault or an
     * {@code int} raised again by its instruction, which did not retire). If the guest's own
     * tables refuse the delivery, the event is delivered as the processor would have delivered it,
     * by the VMM through the guest's tables ({@link org.vmlab.vmm.VirtualTraps}), which turns the
     * refusal into the guest's double fault exactly as bare metal does.
     */
    private void faultDuringDelivery(VirtualMachine vm, VmxExit.FaultDuringDelivery exit) {
        Exit.PageFault fault = exit.fault();
        PageFaultOutcome outcome = vm.memoryVirtualization().pageFault(fault);
        if (outcome instanceof PageFaultOutcome.Fixed) {
            vm.memoryExitHandled(exit, fault.address(), fault.errorCode(), outcome);
            reinject = dispatch.reinjection(exit.vectoring());
            return;
        }
        vm.counters().event(CoreEvent.REFLECTION);
        int vectoring = exit.vectoring();
        int vector = vectoring & 0xFF;
        int type = vectoring >>> VmxControls.INFO_TYPE_SHIFT & 7;
        if (type == VmxControls.TYPE_SOFTWARE_INTERRUPT) {
            vm.traps().softwareInterrupt(vector, exit.pc());
        } else {
            vm.traps().deliver(vector, (vectoring & VmxControls.INFO_ERROR_CODE_VALID) != 0 ? exit.errorCode() : 0,
                    exit.pc());
        }
    }

    /**
     * An EPT violation, for the memory technique's nested tables: mapped (the access runs again),
     * or a device register (emulated). Then the event whose delivery the violation interrupted,
     * as the {@link ExitDispatch#reinjection} says, is injected at the next entry.
     */
    private void eptViolation(VirtualMachine vm, VmxExit.EptViolation exit) {
        NestedPageViolation violation = exit.violation();
        vm.memoryExitHandled(exit, violation.guestPhysical(), errorCodeOf(violation, vm.vcpu().virtualRing()),
                nested.violation(violation));
        reinject = dispatch.reinjection(exit.vectoring());
    }

    /** The access of a violation, as a page fault's error code says it (for the core's bookkeeping). */
    private static int errorCodeOf(NestedPageViolation violation, int ring) {
        int code = violation.access() == Mmu.WRITE ? Vector.PF_WRITE : violation.access() == Mmu.FETCH ? Vector.PF_FETCH : 0;
        return code | (ring == 3 ? Vector.PF_USER : 0)
                | (violation.permissions() != 0 ? Vector.PF_PRESENT : 0);
    }

    /**
     * The guest's cr0 write that exited and was emulated turned its paging (or its tags) on or
     * off: on bare metal the write flushes its TLB entries, but the next VM entry loads the new
     * cr0 without a flush under a VPID (SDM ch. 28.3.3.1), so its translations made with paging
     * off would go on serving. The VMM flushes the VPID's entries, as KVM does on a CR0.PG change.
     * Without a VPID every entry flushes anyway; under a shadow the memory technique follows cr0.
     */
    private void flushGuestTranslations(VirtualMachine vm) {
        int vpid = nested != null ? vpid() : 0;
        if (vpid != 0) {
            vm.host().mmu().tlb().flushVpid(vpid);
        }
    }

    /** Gives the VMCS's frame back to the VMM's pool, the VMCS cleared first. */
    @Override
    public void detach(VirtualMachine vm) {
        if (binding.address() >= 0) {
            Cpu cpu = vm.host().cpu();
            if (binding.vmcs() != null && !cpu.inNonRootMode()) {
                cpu.vmclear(binding.address());   // not current any more: its frame may be another's
            }
            vm.memory().machineFrames().release(binding.address() >>> 12);
        }
    }

    private void emulate(VirtualMachine vm, Instruction instruction) {
        emulator.emulate(vm, instruction);
    }

    // --- running the guest ---------------------------------------------------------------------

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Cpu cpu = vm.host().cpu();
        Vcpu vcpu = vm.vcpu();
        if (!entersAt(vcpu.pc())) {
            // The guest jumped to a pc that is not 4-aligned, and an exit came before the fetch
            // that would fault: VM entry refuses such a guest pc, so the VMM raises the fault the
            // fetch raises (#GP), as the processor would have.
            return new Exit.GuestException(vcpu.pc(), Vector.GENERAL_PROTECTION, 0);
        }
        boolean cr3Exits = vm.memoryVirtualization().needsAddressSpaceExits();
        setControls(vm, budget, cr3Exits);
        binding.toVmcs(vm, cr3Exits, nested != null);
        if (reinject != 0) {
            binding.vmcs().write(VmcsField.VM_ENTRY_INTERRUPTION_INFO, reinject);
            reinject = 0;
        }
        long before = cpu.instructions();
        StopReason stop = enter(vm, before + fuelLeft(vm) + 1);
        vcpu.retireDirectly(cpu.instructions() - before);
        return exitOf(vm, stop, cr3Exits);
    }

    /** True if VM entry takes {@code pc} as the guest's: 4-aligned (docs/isa.md, "VM entry"). */
    private static boolean entersAt(int pc) {
        return (pc & 3) == 0;
    }

    /**
     * Enters the guest and runs it up to its next exit. Under nested paging the MMU's
     * two-dimensional walks while this VM ran are counted as its own ({@code nested.walks},
     * {@code nested.walk.references}), so that a VM's result shows what its TLB misses cost.
     */
    private StopReason enter(VirtualMachine vm, long fuel) {
        Cpu cpu = vm.host().cpu();
        Mmu mmu = vm.host().mmu();
        long walks = mmu.nestedWalks();
        long references = mmu.nestedWalkReferences();
        StopReason stop = binding.vmcs().launched() ? cpu.vmresume(fuel) : cpu.vmlaunch(fuel);
        if (nested != null) {
            vm.counters().add("nested.walks", mmu.nestedWalks() - walks);
            vm.counters().add("nested.walk.references", mmu.nestedWalkReferences() - references);
        }
        return stop;
    }

    private static long fuelLeft(VirtualMachine vm) {
        return Math.max(0, vm.config().fuel() - vm.vcpu().instructions());
    }

    /** The controls of {@link #setup} for the next entry, with the timer's value, the EPT pointer and the VPID. */
    private void setControls(VirtualMachine vm, long budget, boolean cr3Exits) {
        Vmcs v = binding.vmcs();
        MemoryVirtualization memory = vm.memoryVirtualization();
        Vcpu vcpu = vm.vcpu();
        int vpid = nested != null ? vpid() : 0;
        EntryConditions conditions = new EntryConditions(cr3Exits, memory.needsPageFaultExits(), nested != null,
                nested != null ? nested.root() : 0, vpid, vm.devices().pic().hasDeliverable(), vcpu.interruptible());
        v.write(VmcsField.PIN_BASED_CONTROLS, setup.pinBasedControls(conditions));
        v.write(VmcsField.PROCESSOR_BASED_CONTROLS, setup.processorBasedControls(conditions));
        v.write(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, setup.secondaryControls(conditions));
        v.write(VmcsField.EXCEPTION_BITMAP, setup.exceptionBitmap(conditions));
        v.write(VmcsField.EPT_POINTER, conditions.eptPointer());
        v.write(VmcsField.VIRTUAL_PROCESSOR_ID, vpid);
        v.write(VmcsField.VM_EXIT_CONTROLS, 0);
        v.write(VmcsField.VM_ENTRY_CONTROLS, 0);
        v.write(VmcsField.VMX_PREEMPTION_TIMER_VALUE, (int) Math.min(budget, Integer.MAX_VALUE));
    }

    /**
     * The vCPU's virtual-processor identifier, which tags its TLB entries so that neither a VM
     * exit nor a switch to another VM need flush them (SDM ch. 28.1): the number of its VMCS's
     * frame, unique among the host's live vCPUs, as KVM takes one from its bitmap. On a machine
     * whose frame numbers pass 16 bits there may be none (0): the TLB is then flushed at every
     * entry and exit, as without VPIDs.
     */
    private int vpid() {
        int frame = binding.address() >>> 12;
        return frame > 0 && frame <= 0xFFFF ? frame : 0;
    }

    /**
     * Whether the exit's round trip is charged as {@link VmxEvent#VM_EXIT}: not the timer, window
     * and interrupt exits, which the core charges as its own, nor a page fault, which is charged by
     * what handles it as under every CPU technique, with a trap's round trip in the figure
     * (shadow paging's {@code HIDDEN_FAULT}, a traced write's {@code TRAP_AND_EMULATE}, the
     * core's {@code REFLECTION}): counted once, at the trap's price (docs/cost-model.md).
     */
    private static boolean chargedAsAnExit(VmExitReason reason, Exit exit) {
        return reason != VmExitReason.PREEMPTION_TIMER && reason != VmExitReason.INTERRUPT_WINDOW
                && reason != VmExitReason.EXTERNAL_INTERRUPT && !(exit instanceof Exit.PageFault);
    }

    /** The exit for what stopped the run, with the guest state back in the vCPU. */
    private Exit exitOf(VirtualMachine vm, StopReason stop, boolean cr3Exits) {
        Vcpu vcpu = vm.vcpu();
        Vmcs v = binding.vmcs();
        if (stop == StopReason.VM_ENTRY_FAILED) {
            return new VmxExit.Stop(vcpu.pc(), StopReason.MONITOR_ERROR, "the VMM's VM entry failed: VM-instruction"
                    + " error " + v.read(VmcsField.VM_INSTRUCTION_ERROR));
        }
        if (stop != StopReason.VM_EXIT) {
            // The machine's own rule stopped the guest in non-root mode (traps in a row spent the
            // fuel): its state is the real CPU's.
            return new VmxExit.Stop(vcpu.pc(), stop, vm.host().cpu().stopDetail());
        }
        int reasonField = v.read(VmcsField.EXIT_REASON);
        if ((reasonField & VmExitReason.ENTRY_FAILURE) != 0) {
            return new VmxExit.Stop(vcpu.pc(), StopReason.MONITOR_ERROR,
                    "the VMM's VM entry failed on the guest state it loaded");
        }
        binding.fromVmcs(vm, cr3Exits, nested != null);
        int pc = vcpu.pc();
        VmExitReason reason = VmExitReason.of(reasonField);
        if (reason == null) {
            return new VmxExit.Stop(pc, StopReason.MONITOR_ERROR, "unknown VM exit reason " + reasonField);
        }
        Exit exit = dispatch.exitFor(reason, new VmExitInformation(vm, v, nested != null));
        if (exit == null) {
            return new VmxExit.Stop(pc, StopReason.MONITOR_ERROR,
                    "the exit rules made nothing of VM exit reason " + reason + " (" + reason.number() + ")");
        }
        if (chargedAsAnExit(reason, exit)) {
            vm.counters().event(VmxEvent.VM_EXIT);
        }
        int vectoring = v.read(VmcsField.IDT_VECTORING_INFO);
        if (exit instanceof Exit.PageFault fault && reason == VmExitReason.EXCEPTION_OR_NMI
                && (vectoring & VmxControls.INFO_VALID) != 0) {
            // met delivering an event: the mechanism's to finish (faultDuringDelivery)
            return new VmxExit.FaultDuringDelivery(pc, fault, vectoring, v.read(VmcsField.IDT_VECTORING_ERROR_CODE));
        }
        return exit;
    }

    // --- virtual interrupts --------------------------------------------------------------------

    /**
     * Injects {@code vector} by VM-entry event injection: an entry with the event in the VM-entry
     * interruption information and the preemption timer at 0, so that the processor delivers it
     * through the guest's interrupt table and exits before the handler's first instruction. If
     * the delivery meets a hidden fault (a shadow page table, or nested tables, that do not map the
     * guest's stack or gate yet), the exit says so in its IDT-vectoring information, and the event
     * is injected again once the VMM has mapped the page ({@link #faultDuringDelivery},
     * {@link #eptViolation}). A guest pc that VM entry refuses (not 4-aligned) has the event
     * delivered by the VMM's software ({@link org.vmlab.vmm.VirtualTraps#deliver}).
     */
    @Override
    public void inject(VirtualMachine vm, int vector) {
        Vcpu vcpu = vm.vcpu();
        boolean cr3Exits = vm.memoryVirtualization().needsAddressSpaceExits();
        if (!entersAt(vcpu.pc())) {
            vm.traps().deliver(vector, 0, vcpu.pc());
            return;
        }
        vcpu.stopWaiting();   // the event wakes a guest waiting in hlt
        Vmcs v = binding.vmcs();
        setControls(vm, 0, cr3Exits);
        v.write(VmcsField.PROCESSOR_BASED_CONTROLS, v.read(VmcsField.PROCESSOR_BASED_CONTROLS)
                & ~VmxControls.PROC_INTERRUPT_WINDOW_EXITING);
        binding.toVmcs(vm, cr3Exits, nested != null);
        v.write(VmcsField.VM_ENTRY_INTERRUPTION_INFO,
                VmxControls.interruptionInfo(vector, VmxControls.TYPE_EXTERNAL_INTERRUPT, false));
        Cpu cpu = vm.host().cpu();
        long before = cpu.instructions();
        StopReason stop = enter(vm, before + fuelLeft(vm) + 1);
        vcpu.retireDirectly(cpu.instructions() - before);
        Exit exit = exitOf(vm, stop, cr3Exits);
        if (!(exit instanceof Exit.Timer)) {
            vm.exitHandlers().handle(vm, exit);   // the delivery itself ended the run (a triple fault)
        }
    }
}
