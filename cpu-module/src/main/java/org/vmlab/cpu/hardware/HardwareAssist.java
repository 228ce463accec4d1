package org.vmlab.cpu.hardware;

import static org.vmlab.machine.isa.Registers.SP;

import java.util.List;
import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
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
 * <p>The controls it sets (docs/vmm.md, "Hardware assistance"): external-interrupt exiting (the
 * machine's interrupts are the VMM's), HLT exiting (a waiting guest gives the processor back),
 * unconditional I/O exiting (every port is an emulated device's), the VMX-preemption timer (the
 * VMM's timer: the guest runs up to its next device event or the end of its slice), interrupt-window
 * exiting while a virtual interrupt waits for the guest to enable interrupts, and what the memory
 * technique asks for ({@link MemoryVirtualization#needsAddressSpaceExits}: CR3-load, CR3-store and
 * INVLPG exiting; {@link MemoryVirtualization#needsPageFaultExits}: #PF in the exception bitmap).
 * cr0 and cr4 are masked: the guest reads the vCPU's values, and a change exits.
 *
 * <p>Each exit reason becomes one of the core's {@link Exit}s (or {@link VmxExit}'s), routed through
 * the VM's {@link ExitHandlers}: the instructions to emulate ({@code in}, {@code out},
 * {@code mtcr}, {@code mfcr}, {@code invlpg}, {@code hlt}) go to an {@link InstructionEmulator},
 * Lab 1's, which does to the vCPU what the instruction does on bare metal; {@code vmcall} from the
 * guest kernel is a hypercall ({@link HypercallTable}). Virtual interrupts enter the guest by
 * VM-entry event injection.
 */
public final class HardwareAssist implements CpuVirtualization {
    private final InstructionEmulator emulator;
    private final VmcsBinding binding = new VmcsBinding();
    private NestedTranslation nested;   // the memory technique's nested tables, or null: no EPT
    private int reinject;               // an external interrupt an EPT violation interrupted, or 0

    public HardwareAssist(InstructionEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public String name() {
        return "hardware";
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
        exits.register(Exit.PrivilegedInstruction.class, name(), (v, exit) -> emulate(v, exit.instruction()));
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
        exits.register(VmxExit.EptViolation.class, name(), this::eptViolation);
    }

    /**
     * An EPT violation, for the memory technique's nested tables: mapped (the access runs again),
     * or a device register (emulated). An external interrupt whose delivery the violation
     * interrupted was taken from the controller already: it is injected again at the next entry,
     * or it would be lost (SDM ch. 27.2.4). A fault or a software interrupt needs no such care:
     * its instruction did not retire and raises it again.
     */
    private void eptViolation(VirtualMachine vm, VmxExit.EptViolation exit) {
        NestedPageViolation violation = exit.violation();
        vm.memoryExitHandled(exit, violation.guestPhysical(), errorCodeOf(violation, vm.vcpu().virtualRing()),
                nested.violation(violation));
        int vectoring = exit.vectoring();
        if ((vectoring & VmxControls.INFO_VALID) != 0
                && (vectoring >>> VmxControls.INFO_TYPE_SHIFT & 7) == VmxControls.TYPE_EXTERNAL_INTERRUPT) {
            reinject = vectoring;
        }
    }

    /** The access of a violation, as a page fault's error code says it (for the core's bookkeeping). */
    private static int errorCodeOf(NestedPageViolation violation, int ring) {
        int code = violation.access() == Mmu.WRITE ? Vector.PF_WRITE : violation.access() == Mmu.FETCH ? Vector.PF_FETCH : 0;
        return code | (ring == 3 ? Vector.PF_USER : 0)
                | (violation.permissions() != 0 ? Vector.PF_PRESENT : 0);
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
        if (cr3Exits) {
            fillDeliveryPath(vm);
        }
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

    private void setControls(VirtualMachine vm, long budget, boolean cr3Exits) {
        Vmcs v = binding.vmcs();
        MemoryVirtualization memory = vm.memoryVirtualization();
        Vcpu vcpu = vm.vcpu();
        v.write(VmcsField.PIN_BASED_CONTROLS, VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING
                | VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER);
        int proc = VmxControls.PROC_HLT_EXITING | VmxControls.PROC_UNCONDITIONAL_IO_EXITING;
        if (cr3Exits) {
            proc |= VmxControls.PROC_CR3_LOAD_EXITING | VmxControls.PROC_CR3_STORE_EXITING
                    | VmxControls.PROC_INVLPG_EXITING;
        }
        if (!vcpu.interruptible() && vm.devices().pic().hasDeliverable()) {
            proc |= VmxControls.PROC_INTERRUPT_WINDOW_EXITING;   // exit as soon as the guest can take it
        }
        if (nested != null) {
            // Second-generation VT: the nested tables translate guest-physical, tagged by VPID.
            proc |= VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS;
            int vpid = vpid();
            v.write(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, VmxControls.SECONDARY_ENABLE_EPT
                    | (vpid != 0 ? VmxControls.SECONDARY_ENABLE_VPID : 0));
            v.write(VmcsField.EPT_POINTER, nested.root());
            v.write(VmcsField.VIRTUAL_PROCESSOR_ID, vpid);
        }
        v.write(VmcsField.PROCESSOR_BASED_CONTROLS, proc);
        v.write(VmcsField.EXCEPTION_BITMAP, exceptionBitmap(memory, cr3Exits));
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
     * #PF if the memory technique needs page faults; under tables of its own, every exception:
     * the processor's own delivery of a fault pushes through the real MMU, where a shadow that
     * misses the guest's stack makes a double fault of it (no IDT-vectoring information to
     * re-inject from), so the VMM delivers the guest's faults itself, through the guest's tables.
     */
    private static int exceptionBitmap(MemoryVirtualization memory, boolean cr3Exits) {
        if (cr3Exits) {
            return -1;
        }
        return memory.needsPageFaultExits() ? 1 << Vector.PAGE_FAULT : 0;
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
        if (reason != VmExitReason.PREEMPTION_TIMER && reason != VmExitReason.INTERRUPT_WINDOW
                && reason != VmExitReason.EXTERNAL_INTERRUPT) {
            vm.counters().event(VmxEvent.VM_EXIT);   // the core charges its own timer and interrupt exits
        }
        return switch (reason) {
            case PREEMPTION_TIMER -> new Exit.Timer(pc);
            case INTERRUPT_WINDOW -> new Exit.InterruptWindow(pc);
            case EXTERNAL_INTERRUPT -> new Exit.ExternalInterrupt(pc, 0);   // not acknowledged on exit: the core does
            case EXCEPTION_OR_NMI -> exceptionExit(v, pc);
            case TRIPLE_FAULT -> new VmxExit.Stop(pc, StopReason.TRIPLE_FAULT,
                    String.format("triple fault at pc=0x%08x", pc));
            case HLT -> new Exit.Halt(pc, instructionAt(vm, pc));
            case IO_INSTRUCTION -> new Exit.IoAccess(pc, instructionAt(vm, pc));
            case CONTROL_REGISTER_ACCESS, INVLPG -> new Exit.PrivilegedInstruction(pc, instructionAt(vm, pc));
            case VMCALL -> vcpu.virtualRing() == 0
                    ? new Exit.Hypercall(pc, vcpu.register(HypercallTable.NUMBER_REGISTER))
                    : new VmxExit.VmxInstruction(pc, instructionAt(vm, pc));
            case VMCLEAR, VMLAUNCH, VMPTRLD, VMREAD, VMRESUME, VMWRITE ->
                    new VmxExit.VmxInstruction(pc, instructionAt(vm, pc));
            case INVALID_GUEST_STATE -> new VmxExit.Stop(pc, StopReason.MONITOR_ERROR,
                    "the VMM's VM entry failed on the guest state it loaded");
            case EPT_VIOLATION -> nested != null ? new VmxExit.EptViolation(pc, violationOf(v),
                    v.read(VmcsField.IDT_VECTORING_INFO))
                    // EPT is on only with nested tables: a violation means the VMCS is not its own
                    : new VmxExit.Stop(pc, StopReason.MONITOR_ERROR,
                    "an EPT violation, but this VMM never enabled nested paging");
        };
    }

    /** The violation, as the exit information records it (SDM Table 28-7). */
    private static NestedPageViolation violationOf(Vmcs v) {
        int q = v.read(VmcsField.EXIT_QUALIFICATION);
        int access = (q & NestedPageViolation.DATA_WRITE) != 0 ? Mmu.WRITE
                : (q & NestedPageViolation.FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
        return new NestedPageViolation(v.read(VmcsField.GUEST_PHYSICAL_ADDRESS), v.read(VmcsField.GUEST_LINEAR_ADDRESS),
                access, q >>> NestedPageViolation.PERMISSIONS_SHIFT & NestedPte.PERMISSIONS,
                (q & NestedPageViolation.FINAL_TRANSLATION) != 0);
    }

    private static Exit exceptionExit(Vmcs v, int pc) {
        int info = v.read(VmcsField.VM_EXIT_INTERRUPTION_INFO);
        int vector = info & 0xFF;
        int errorCode = (info & VmxControls.INFO_ERROR_CODE_VALID) != 0
                ? v.read(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE) : 0;
        return vector == Vector.PAGE_FAULT
                ? new Exit.PageFault(pc, v.read(VmcsField.EXIT_QUALIFICATION), errorCode)
                : new Exit.GuestException(pc, vector, errorCode);
    }

    /** The instruction the guest exited on: the processor just fetched it, so the guest's tables map it. */
    private static Instruction instructionAt(VirtualMachine vm, int pc) {
        return Instruction.decode(vm.guestMemory().fetch(pc));
    }

    // --- virtual interrupts --------------------------------------------------------------------

    /**
     * Injects {@code vector} by VM-entry event injection: an entry with the event in the VM-entry
     * interruption information and the preemption timer at 0, so that the processor delivers it
     * through the guest's interrupt table and exits before the handler's first instruction. If
     * the processor cannot push the frame through the real MMU (a shadow page table that does not
     * map the guest's stack yet: this machine, unlike VT-x, has no IDT-vectoring information to
     * re-inject from after the page-fault exit), the event is delivered as the VMM's software
     * delivers it ({@link org.vmlab.vmm.VirtualTraps#deliver}), which walks the guest's own tables.
     */
    @Override
    public void inject(VirtualMachine vm, int vector) {
        Vcpu vcpu = vm.vcpu();
        boolean cr3Exits = vm.memoryVirtualization().needsAddressSpaceExits();
        if (!entersAt(vcpu.pc()) || cr3Exits && !hardwareCanDeliver(vm, vector)) {
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

    /**
     * Makes the real MMU map what the processor reads and writes when it delivers a trap from
     * guest user mode by itself (a system call's {@code int}): the guest's interrupt table and the
     * frame on the kernel stack that cr4 names. A page fault on that way is a double fault in the
     * guest, not an exit: this machine, unlike VT-x, records no IDT-vectoring information for the
     * VMM to re-inject from. So a memory technique whose tables are its own (a shadow, filled by
     * hidden faults) is asked to fill them there before the guest runs, as the guest's own tables
     * allow; where they do not, bare metal's delivery faults too, and nothing is filled.
     */
    private static void fillDeliveryPath(VirtualMachine vm) {
        Vcpu vcpu = vm.vcpu();
        Mmu mmu = vm.host().mmu();
        int idt = vcpu.idtr();
        fill(vm, idt, Mmu.READ, () -> mmu.translate(idt, Mmu.READ, 0));
        fill(vm, idt + IDT_BYTES - 4, Mmu.READ, () -> mmu.translate(idt + IDT_BYTES - 4, Mmu.READ, 0));
        if (vcpu.virtualRing() > 0) {
            int stack = vcpu.controlRegister(Registers.CR4);
            for (int word = 1; word <= 4; word++) {
                int va = stack - 4 * word;
                fill(vm, va, Mmu.WRITE, () -> mmu.frameWordAddress(va));
            }
        }
    }

    /** The size of the interrupt table: 256 gates of a word. */
    private static final int IDT_BYTES = 256 * 4;

    private static void fill(VirtualMachine vm, int va, int access, Runnable probe) {
        try {
            probe.run();
        } catch (Fault missing) {
            if (missing.vector() == Vector.PAGE_FAULT) {
                vm.memoryVirtualization().pageFault(new Exit.PageFault(vm.vcpu().pc(), va, missing.errorCode()));
            }
        }
    }

    /** True if the real MMU lets the processor read the gate and push the whole frame. */
    private static boolean hardwareCanDeliver(VirtualMachine vm, int vector) {
        Vcpu vcpu = vm.vcpu();
        Mmu mmu = vm.host().mmu();
        int sp = vcpu.virtualRing() > 0 ? vcpu.controlRegister(Registers.CR4) : vcpu.register(SP);
        try {
            mmu.translate(vcpu.idtr() + (vector << 2), Mmu.READ, 0);
            for (int word = 1; word <= 4; word++) {
                mmu.frameWordAddress(sp - 4 * word);
            }
            return true;
        } catch (Fault f) {
            return false;
        }
    }
}
