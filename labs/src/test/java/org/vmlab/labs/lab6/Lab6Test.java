package org.vmlab.labs.lab6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertEveryToyosWorkloadRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.hardware.EntryConditions;
import org.vmlab.cpu.hardware.ExitDispatch;
import org.vmlab.cpu.hardware.VmExitInformation;
import org.vmlab.cpu.hardware.VmcsSetup;
import org.vmlab.cpu.hardware.VmxExit;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 6, hardware-assisted virtualization: the visible graded tests. Your {@link VmcsSetupRules}
 * is asked for the controls of entries in the situations a VMM meets (under a shadow, identity
 * paging, nested paging; a virtual interrupt waiting or not), your {@link VmExitRules} for the
 * meaning of exits whose information the test writes into a VMCS; then toyos runs under your
 * code, with Lab 1's emulator and Lab 3's shadow or your EPT violation handler, and must be
 * exactly bare metal.
 */
class Lab6Test {
    private static final List<EntryConditions> EVERY_MEMORY = List.of(Vt.SHADOW, Vt.IDENTITY, Vt.NESTED);

    private final VmcsSetup setup = new VmcsSetupRules();
    private final ExitDispatch rules = new VmExitRules();

    private static String under(EntryConditions c) {
        return c == Vt.SHADOW ? "under a shadow page table" : c == Vt.IDENTITY ? "under identity paging"
                : "under nested paging";
    }

    @Test
    @Graded(points = 2, number = "6.1", name = "pin-based controls: the machine's interrupts and the VMM's timer")
    void pinBased() {
        for (EntryConditions c : EVERY_MEMORY) {
            int pin = setup.pinBasedControls(c);
            assertThat(pin & VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING).as("%s: external-interrupt exiting is"
                    + " missing: a real device's interrupt during the guest's run would go through the guest's"
                    + " interrupt table, though the machine's interrupts are the VMM's", under(c)).isNotZero();
            assertThat(pin & VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER).as("%s: the VMX-preemption timer is not"
                    + " activated: the guest would run until it exits by itself, past its slice and past the"
                    + " deadline of its next (virtual) device event", under(c)).isNotZero();
            assertThat(pin & ~VmxControls.PIN_DEFINED).as("%s: reserved pin-based bits set: VM entry fails",
                    under(c)).isZero();
        }
    }

    @Test
    @Graded(points = 2, number = "6.2", name = "processor-based controls: hlt and I/O exit, and a guest that waits for its timer runs as on bare metal")
    void hltAndIo() {
        for (EntryConditions c : EVERY_MEMORY) {
            int proc = setup.processorBasedControls(c);
            assertThat(proc & VmxControls.PROC_HLT_EXITING).as("%s: HLT exiting is missing: a guest that waits"
                    + " in hlt keeps the real processor (it cannot give it back to the VMM, and its virtual"
                    + " timer's interrupt never comes to wake it)", under(c)).isNotZero();
            assertThat(proc & VmxControls.PROC_UNCONDITIONAL_IO_EXITING).as("%s: unconditional I/O exiting is"
                    + " missing: the guest's in and out would reach the machine's real devices, not its own"
                    + " emulated ones", under(c)).isNotZero();
            assertThat(proc & VmxControls.PROC_USE_IO_BITMAPS).as("%s: I/O bitmaps: with them the"
                    + " unconditional control is ignored, and no bitmap is set up", under(c)).isZero();
            assertThat(proc & ~VmxControls.PROC_DEFINED).as("%s: reserved processor-based bits set", under(c))
                    .isZero();
        }
        assertRunsLikeBareMetal(GuestRuns.program("org/vmlab/labs/lab1/timer.s"), Vt.ISA, Vt::hardware, Vt::nested);
    }

    @Test
    @Graded(points = 2, number = "6.3", name = "interrupt-window exiting: exactly while a virtual interrupt waits for the guest")
    void interruptWindow() {
        for (EntryConditions c : EVERY_MEMORY) {
            assertThat(setup.processorBasedControls(Vt.pending(c, false)) & VmxControls.PROC_INTERRUPT_WINDOW_EXITING)
                    .as("%s, a virtual interrupt pending and the guest's interrupts masked: without"
                            + " interrupt-window exiting the interrupt waits for the next exit of some other kind,"
                            + " instructions after bare metal takes it", under(c)).isNotZero();
            assertThat(setup.processorBasedControls(Vt.pending(c, true)) & VmxControls.PROC_INTERRUPT_WINDOW_EXITING)
                    .as("%s, a virtual interrupt pending that the guest can take: the VMM injects it at this"
                            + " entry; a window exit would come before the guest's first instruction, for nothing",
                            under(c)).isZero();
            assertThat(setup.processorBasedControls(c) & VmxControls.PROC_INTERRUPT_WINDOW_EXITING)
                    .as("%s, nothing pending: interrupt-window exiting would exit at every instruction the"
                            + " guest runs with interrupts enabled", under(c)).isZero();
        }
    }

    @Test
    @Graded(points = 2, number = "6.4", name = "what the memory technique needs: cr3 and invlpg under a shadow, page faults, nothing under nested paging")
    void memoryExits() {
        int cr3 = VmxControls.PROC_CR3_LOAD_EXITING | VmxControls.PROC_CR3_STORE_EXITING;
        int shadow = setup.processorBasedControls(Vt.SHADOW);
        assertThat(shadow & cr3).as("under a shadow page table, CR3-load and CR3-store exiting: the real cr3 is"
                + " the shadow's; the guest's mtcr cr3 must switch shadows, and its mfcr cr3 read its own").isEqualTo(cr3);
        assertThat(shadow & VmxControls.PROC_INVLPG_EXITING).as("under a shadow page table, INVLPG exiting: the"
                + " guest's invlpg says which shadow entry is stale").isNotZero();
        assertThat(setup.exceptionBitmap(Vt.SHADOW) & 1 << Vector.PAGE_FAULT).as("under a shadow page table, #PF"
                + " in the exception bitmap: the shadow is filled on hidden faults").isNotZero();
        assertThat(setup.exceptionBitmap(Vt.SHADOW)).as("under a shadow page table, #PF and no other exception:"
                + " the guest's own exceptions go through its interrupt table without an exit (a #PF met on the"
                + " way exits with the event in the IDT-vectoring information; docs/vmm.md, \"Injection\"), and"
                + " each needless exit costs a world switch").isEqualTo(1 << Vector.PAGE_FAULT);
        for (EntryConditions c : List.of(Vt.IDENTITY, Vt.NESTED)) {
            assertThat(setup.processorBasedControls(c) & (cr3 | VmxControls.PROC_INVLPG_EXITING)).as("%s: no cr3 or"
                    + " invlpg exits: the guest's cr3 is the MMU's, and each exit would cost a world switch for"
                    + " nothing", under(c)).isZero();
        }
        assertThat(setup.exceptionBitmap(Vt.IDENTITY)).as("under identity paging: #PF only (a device window's"
                + " access faults and must be emulated); the guest's other exceptions are its own").isEqualTo(1 << Vector.PAGE_FAULT);
        assertThat(setup.exceptionBitmap(Vt.NESTED)).as("under nested paging: no exception exits; the guest's"
                + " page faults are its own, on its own tables").isZero();
    }

    @Test
    @Graded(points = 2, number = "6.5", name = "secondary controls: EPT and VPID with nested tables, nothing without")
    void secondary() {
        assertThat(setup.processorBasedControls(Vt.NESTED) & VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS)
                .as("under nested paging: activate secondary controls, or the processor takes them as 0 and"
                        + " never walks the nested tables").isNotZero();
        int secondary = setup.secondaryControls(Vt.NESTED);
        assertThat(secondary & VmxControls.SECONDARY_ENABLE_EPT).as("under nested paging: enable EPT").isNotZero();
        assertThat(secondary & VmxControls.SECONDARY_ENABLE_VPID).as("under nested paging with VPID 7: enable"
                + " VPID, so that exits and entries do not flush the TLB").isNotZero();
        assertThat(secondary & ~VmxControls.SECONDARY_DEFINED).isZero();
        for (EntryConditions c : List.of(Vt.SHADOW, Vt.IDENTITY)) {
            boolean activated = (setup.processorBasedControls(c) & VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS) != 0;
            assertThat(activated && (setup.secondaryControls(c) & VmxControls.SECONDARY_ENABLE_EPT) != 0)
                    .as("%s: EPT enabled without nested tables (the EPT pointer is 0)", under(c)).isFalse();
        }
    }

    // --- the exits -------------------------------------------------------------------------------

    private static void assertInstruction(Exit exit, Class<?> kind, Opcode opcode, String why) {
        assertThat(exit).as(why).isInstanceOf(kind);
        assertThat(((org.vmlab.vmm.InstructionExit) exit).instruction().opcode()).as(why + ": the instruction at"
                + " the exit's pc (the emulator runs it)").isEqualTo(opcode);
    }

    @Test
    @Graded(points = 2, number = "6.6", name = "exits: the timer, the interrupt window and interrupts to the core; hlt, I/O, cr and invlpg to the emulator")
    void instructionAndEventExits() {
        Vt.Bench b = new Vt.Bench();
        assertThat(rules.exitFor(VmExitReason.PREEMPTION_TIMER, b.at(0x1000, 0, false))).as("the preemption timer:"
                + " the VMM's time slice or a device deadline, Exit.Timer").isEqualTo(new Exit.Timer(0x1000));
        assertThat(rules.exitFor(VmExitReason.INTERRUPT_WINDOW, b.at(0x1004, 0, false))).as("the interrupt window:"
                + " Exit.InterruptWindow, after which the core injects").isEqualTo(new Exit.InterruptWindow(0x1004));
        assertThat(rules.exitFor(VmExitReason.EXTERNAL_INTERRUPT, b.at(0x1008, 0, false)))
                .as("a real interrupt: Exit.ExternalInterrupt (the core acknowledges it; the vector is 0: not acknowledged on exit)")
                .isEqualTo(new Exit.ExternalInterrupt(0x1008, 0));
        assertInstruction(rules.exitFor(VmExitReason.HLT, b.at(0x1000, 0, false)), Exit.Halt.class, Opcode.HLT,
                "hlt: Exit.Halt");
        assertInstruction(rules.exitFor(VmExitReason.IO_INSTRUCTION, b.at(0x1004, 0, false)), Exit.IoAccess.class,
                Opcode.OUT, "out: Exit.IoAccess (a device access to emulate)");
        assertInstruction(rules.exitFor(VmExitReason.IO_INSTRUCTION, b.at(0x1008, 0, false)), Exit.IoAccess.class,
                Opcode.IN, "in: Exit.IoAccess");
        assertInstruction(rules.exitFor(VmExitReason.CONTROL_REGISTER_ACCESS, b.at(0x100C, 0, false)),
                Exit.PrivilegedInstruction.class, Opcode.MTCR, "mtcr cr3 (CR3-load exiting): Exit.PrivilegedInstruction");
        assertInstruction(rules.exitFor(VmExitReason.CONTROL_REGISTER_ACCESS, b.at(0x1010, 0, false)),
                Exit.PrivilegedInstruction.class, Opcode.MFCR, "mfcr cr3 (CR3-store exiting): Exit.PrivilegedInstruction");
        assertInstruction(rules.exitFor(VmExitReason.INVLPG, b.at(0x1014, 0, false)),
                Exit.PrivilegedInstruction.class, Opcode.INVLPG, "invlpg: Exit.PrivilegedInstruction");
    }

    @Test
    @Graded(points = 2, number = "6.7", name = "exits: exceptions, a page fault for the memory technique, the others the guest's")
    void exceptionExits() {
        Vt.Bench b = new Vt.Bench();
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_INFO, VmxControls.interruptionInfo(Vector.PAGE_FAULT,
                VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE, Vector.PF_WRITE | Vector.PF_PRESENT);
        b.vmcs.write(VmcsField.EXIT_QUALIFICATION, 0x0040_2468);
        assertThat(rules.exitFor(VmExitReason.EXCEPTION_OR_NMI, b.at(0x1000, 0, false))).as("#PF at 0x402468, a"
                + " write to a present page: Exit.PageFault with the address from the exit qualification and the"
                + " error code from the interruption error code")
                .isEqualTo(new Exit.PageFault(0x1000, 0x0040_2468, Vector.PF_WRITE | Vector.PF_PRESENT));
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_INFO, VmxControls.interruptionInfo(Vector.GENERAL_PROTECTION,
                VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE, 0x18);
        assertThat(rules.exitFor(VmExitReason.EXCEPTION_OR_NMI, b.at(0x1004, 3, false))).as("#GP with error code"
                + " 0x18: the guest's own exception, Exit.GuestException, reflected into it")
                .isEqualTo(new Exit.GuestException(0x1004, Vector.GENERAL_PROTECTION, 0x18));
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_INFO, VmxControls.interruptionInfo(Vector.DIVIDE_ERROR,
                VmxControls.TYPE_HARDWARE_EXCEPTION, false));
        b.vmcs.write(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE, 0x5A5A);
        assertThat(rules.exitFor(VmExitReason.EXCEPTION_OR_NMI, b.at(0x1008, 0, false))).as("#DE, no error code"
                + " (bit 11 of the interruption information clear): the error-code field holds a stale value,"
                + " which is not the exception's").isEqualTo(new Exit.GuestException(0x1008, Vector.DIVIDE_ERROR, 0));
    }

    @Test
    @Graded(points = 2, number = "6.8", name = "exits: vmcall from the guest kernel a hypercall; every other VMX instruction the guest's #UD")
    void vmxExits() {
        Vt.Bench b = new Vt.Bench();
        b.vm.vcpu().setRegister(org.vmlab.vmm.HypercallTable.NUMBER_REGISTER, 5);
        assertThat(rules.exitFor(VmExitReason.VMCALL, b.at(0x1018, 0, false))).as("vmcall from ring 0 (the guest"
                + " kernel): Exit.Hypercall with the number in its register").isEqualTo(new Exit.Hypercall(0x1018, 5));
        assertInstruction(rules.exitFor(VmExitReason.VMCALL, b.at(0x1018, 3, false)), VmxExit.VmxInstruction.class,
                Opcode.VMCALL, "vmcall from ring 3: a guest's user process may not call the hypervisor;"
                        + " VmxExit.VmxInstruction, its #UD (the guest's processor has no vt feature)");
        assertInstruction(rules.exitFor(VmExitReason.VMLAUNCH, b.at(0x101C, 0, false)), VmxExit.VmxInstruction.class,
                Opcode.VMLAUNCH, "vmlaunch in the guest kernel: VmxExit.VmxInstruction, its #UD");
        assertInstruction(rules.exitFor(VmExitReason.VMPTRLD, b.at(0x1020, 0, false)), VmxExit.VmxInstruction.class,
                Opcode.VMPTRLD, "vmptrld in the guest kernel: VmxExit.VmxInstruction; never the real vmptrld");
        assertInstruction(rules.exitFor(VmExitReason.VMREAD, b.at(0x1024, 3, false)), VmxExit.VmxInstruction.class,
                Opcode.VMREAD, "vmread in user mode: VmxExit.VmxInstruction");
        Exit triple = rules.exitFor(VmExitReason.TRIPLE_FAULT, b.at(0x1000, 0, false));
        assertThat(triple).as("a triple fault: the guest's machine would stop, VmxExit.Stop").isInstanceOf(VmxExit.Stop.class);
        assertThat(((VmxExit.Stop) triple).reason()).isEqualTo(StopReason.TRIPLE_FAULT);
    }

    @Test
    @Graded(points = 2, number = "6.9", name = "exits: an EPT violation for the nested tables, and the interrupt it interrupted injected again")
    void eptViolationExit() {
        Vt.Bench b = new Vt.Bench();
        NestedPageViolation violation = new NestedPageViolation(0x0003_4568, 0x0040_4568, Mmu.WRITE, NestedPte.READ, true);
        int vectoring = VmxControls.interruptionInfo(32, VmxControls.TYPE_EXTERNAL_INTERRUPT, false);
        b.vmcs.write(VmcsField.EXIT_QUALIFICATION, violation.qualification());
        b.vmcs.write(VmcsField.GUEST_PHYSICAL_ADDRESS, 0x0003_4568);
        b.vmcs.write(VmcsField.GUEST_LINEAR_ADDRESS, 0x0040_4568);
        b.vmcs.write(VmcsField.IDT_VECTORING_INFO, vectoring);
        Exit exit = rules.exitFor(VmExitReason.EPT_VIOLATION, b.at(0x1000, 0, true));
        assertThat(exit).as("an EPT violation with nested paging: VmxExit.EptViolation, for the memory technique's"
                + " nested tables").isInstanceOf(VmxExit.EptViolation.class);
        VmxExit.EptViolation ept = (VmxExit.EptViolation) exit;
        assertThat(ept.violation().guestPhysical()).as("the guest-physical address").isEqualTo(0x0003_4568);
        assertThat(ept.violation().access()).as("the access: a write").isEqualTo(Mmu.WRITE);
        assertThat(ept.vectoring()).as("the IDT-vectoring information: the interrupt whose delivery the violation"
                + " interrupted").isEqualTo(vectoring);
        assertThat(rules.exitFor(VmExitReason.EPT_VIOLATION, b.at(0x1000, 0, false))).as("an EPT violation though"
                + " this VMM never enabled EPT: its VMCS is not its own, VmxExit.Stop (never a mapping)")
                .isInstanceOf(VmxExit.Stop.class);
        assertThat(rules.reinjection(vectoring)).as("an external interrupt whose delivery the violation interrupted:"
                + " it was acknowledged already, and is lost unless injected again").isEqualTo(vectoring);
        assertThat(rules.reinjection(0)).as("no event was being delivered: nothing to inject").isZero();
    }

    // --- the guest under your VMM ---------------------------------------------------------------

    @Test
    @Graded(points = 3, number = "6.10", name = "toyos: every workload equivalent to bare metal under hardware + your shadow (first-generation VT-x)")
    void toyosUnderShadow(Checkpoints checkpoints) {
        assertEveryToyosWorkloadRunsLikeBareMetal(Vt.ISA, Vt::hardware, Vt::shadow, checkpoints, 0.3);
    }

    @Test
    @Graded(points = 3, number = "6.11", name = "toyos: every workload equivalent to bare metal under hardware + nested paging (EPT, VPID)")
    void toyosUnderNested(Checkpoints checkpoints) {
        assertEveryToyosWorkloadRunsLikeBareMetal(Vt.ISA, Vt::hardware, Vt::nested, checkpoints, 0.3);
    }

    @Test
    @Graded(points = 2, number = "6.12", name = "EPT violations: each guest frame mapped once, to the p2m's frame; a device register emulated")
    void violationHandler() {
        VirtualMachine vm = GuestRuns.toyosVm("forkwait", Vt.ISA, Vt.hardware(), Vt.nested());
        RunResult run = vm.run();

        assertThat(run.stopReason()).as("toyos forkwait under nested paging: %s", run.stopDetail()).isEqualTo(StopReason.HALT);
        NestedPaging nested = (NestedPaging) vm.memoryVirtualization();
        long filled = vm.counters().named("nested.filled");
        assertThat(filled).as("frames mapped by your handler (nested.filled) and entries in the nested tables: one"
                + " violation per guest frame, so the same; more violations than entries means a mapping that did"
                + " not make the access succeed").isEqualTo(nested.tables().mapped());
        assertThat(nested.tables().mapped()).as("entries in the nested tables and guest frames the VM touched"
                + " (each backed by the frame the p2m gave it)").isEqualTo(vm.memory().framesInUse());

        Image beyond = Vt.source("""
                    .segment kernel, 0x1000
                    .entry start
                start:
                    li r1, 0x20000
                    lw r2, 0(r1)
                    sw r2, 4(r1)
                    cli
                    hlt
                """);
        VirtualMachine device = Vt.vm(Vt.host(), "small", 64 << 10, Vt.nested(), GuestRuns.PROGRAM_FUEL);
        device.load(beyond);
        RunResult r = device.run();
        assertThat(r.stopReason()).as("a guest of 64 KiB that reads and writes guest-physical 0x20000, past its RAM: %s",
                r.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(device.counters().named("nested.device_accesses")).as("its two accesses past RAM: no frame to"
                + " map (the p2m has none), so PageFaultOutcome.DEVICE_ACCESS, emulated").isEqualTo(2);
    }

    @Test
    @Graded(points = 2, number = "6.13", name = "the two-dimensional walk: (n+1)(m+1)-1 = 8 references per TLB miss from scratch, counted per VM")
    void twoDimensionalWalk() {
        long[] once = walks(0);
        long[] more = walks(100);

        assertThat(more[0]).as("nested.walks of a guest that walks 100 times more: your VMM must enable EPT"
                + " under nested paging, or nothing walks two dimensions").isGreaterThan(once[0]);
        assertThat(more[0] - once[0]).as("100 TLB misses more (invlpg does not exit under nested paging): 100"
                + " walks more").isEqualTo(100);
        assertThat(more[1] - once[1]).as("memory references of those 100 walks: each guest level's entry, its"
                + " guest-physical address through both nested levels, and the page's own (2 x 3 + 2)")
                .isEqualTo(800);
    }

    /** {nested.walks, nested.walk.references} of walk.s with {@code rewalks}, the VM's and the machine's agreeing. */
    private static long[] walks(int rewalks) {
        Image image = Vt.program("org/vmlab/labs/lab6/walk.s", Map.of("REWALKS", rewalks));
        Hypervisor vmm = Vt.host();
        VirtualMachine vm = vmm.create(org.vmlab.vmm.VmConfig.named("walker").withFuel(GuestRuns.PROGRAM_FUEL),
                Vt.hardware(), Vt.nested());
        vm.load(image);
        RunResult run = vm.run();
        assertThat(run.stopReason()).as("walk.s under nested paging: %s", run.stopDetail()).isEqualTo(StopReason.HALT);
        long walks = vm.counters().named("nested.walks");
        long references = vm.counters().named("nested.walk.references");
        assertThat(walks).as("the VM's nested.walks: the machine's, while this VM ran alone").isEqualTo(vmm.machine().mmu().nestedWalks());
        assertThat(references).as("the VM's nested.walk.references").isEqualTo(vmm.machine().mmu().nestedWalkReferences());
        return new long[] {walks, references};
    }
}
