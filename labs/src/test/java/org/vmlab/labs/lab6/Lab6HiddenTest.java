package org.vmlab.labs.lab6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.hardware.EntryConditions;
import org.vmlab.cpu.hardware.VmcsBinding;
import org.vmlab.cpu.hardware.VmxExit;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;

/** Lab 6, hardware-assisted virtualization: the hidden graded tests, hostile guests among them. */
class Lab6HiddenTest {
    private static final int SMALL = 64 << 10;

    /**
     * Counts in r10 the #UDs its handler takes (stepping over each), then halts: six VMX
     * instructions in its kernel, then vmcall and vmlaunch in user mode. r11 is the kernel's
     * hypercall result.
     */
    private static final String VMX_IN_THE_GUEST = """
                .segment kernel, 0x1000
                .entry start
            start:
                la r1, idt
                lidt r1
                li sp, 0x8000
                lui r2, 0
                vmptrld r2
                vmclear r2
                vmlaunch
                vmresume
                vmread r3, r2
                vmwrite r2, r3
                li r1, 77
                vmcall
                mov r11, r1
                la r1, user
                li r2, 0x7000
                push r2
                li r2, 0x3000
                push r2
                push r1
                la r1, 0x7800
                mtcr cr4, r1
                iret
            user:
                vmcall
                vmlaunch
                int 0x30
            ud:
                addi sp, sp, 4
                lw r9, 0(sp)
                addi r9, r9, 4
                sw r9, 0(sp)
                addi r10, r10, 1
                iret
            done:
                cli
                hlt
                .align 4096
            idt:
                .space 24
                .word ud
                .space 164
                .word done + 3
                .space 828
            """;

    @Test
    @Graded(points = 2, number = "6.14", visibility = Visibility.HIDDEN, name = "hostile: the guest's VMX instructions are its #UD, its user mode's vmcall too; its kernel's vmcall a hypercall")
    void vmxInstructionsInTheGuest() {
        Hypervisor vmm = Vt.host();
        VirtualMachine vm = Vt.vm(vmm, "hostile", SMALL, Vt.nested(), 100_000);
        vm.load(Vt.source(VMX_IN_THE_GUEST));

        RunResult run = vm.run();

        assertThat(run.stopReason()).as("the guest's run: %s", run.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(vm.vcpu().register(10)).as("#UDs the guest took: vmptrld, vmclear, vmlaunch, vmresume, vmread,"
                + " vmwrite in its kernel, vmcall and vmlaunch in user mode (its processor has no vt feature)")
                .isEqualTo(8);
        assertThat(vm.vcpu().register(11)).as("its kernel's vmcall 77: a hypercall, unknown, so -ENOSYS")
                .isEqualTo(-Errno.ENOSYS);
        assertThat(vmm.machine().cpu().currentVmcs().address()).as("the VM's own VMCS is still the current one:"
                + " the guest's vmptrld and vmclear never ran").isEqualTo(((VmcsBinding) vm.vcpu().binding()).address());
    }

    /** Writes -1 to every word of guest-physical memory from 0x2000 to 0x12000: its RAM, and past it. */
    private static final String SCRIBBLER = """
                .segment kernel, 0x1000
                .entry start
            start:
                li r1, 0x2000
                li r2, 0x12000
                li r3, -1
            loop:
                sw r3, 0(r1)
                addi r1, r1, 4
                cmp r1, r2
                bne loop
                cli
                hlt
            """;

    @Test
    @Graded(points = 2, number = "6.15", visibility = Visibility.HIDDEN, name = "hostile: a guest writing all its physical memory and beyond reaches no VMCS, no nested table, no other VM")
    void scribbler() {
        Hypervisor vmm = Vt.host();
        VirtualMachine victim = Vt.vm(vmm, "victim", SMALL, Vt.nested(), 1_000_000);
        victim.load(Vt.source(SCRIBBLER.replace("li r3, -1", "li r3, 0x5a5a")));
        VirtualMachine scribbler = Vt.vm(vmm, "scribbler", SMALL, Vt.nested(), 1_000_000);
        scribbler.load(Vt.source(SCRIBBLER));
        String victimBefore = victim.memory().digest();

        RunResult run = scribbler.run();

        assertThat(run.stopReason()).as("the scribbler's run: %s", run.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(victim.memory().digest()).as("the other VM's memory after the scribbler ran").isEqualTo(victimBefore);
        assertThat(scribbler.counters().named("nested.device_accesses")).as("its writes past its 64 KiB of RAM:"
                + " no frame behind them, emulated (to nothing)").isEqualTo((0x12000 - SMALL) / 4);
        RunResult victimRun = victim.run();
        assertThat(victimRun.stopReason()).as("the other VM then runs: %s", victimRun.stopDetail()).isEqualTo(StopReason.HALT);
        scribbler.run();   // once more: its VMCS and nested tables must still be what the VMM made
        for (VirtualMachine vm : new VirtualMachine[] {victim, scribbler}) {
            int vmcs = ((VmcsBinding) vm.vcpu().binding()).address();
            assertThat(vmm.machine().memory().readWord(vmcs)).as("%s's VMCS still has its revision identifier",
                    vm.name()).isEqualTo(Vmcs.REVISION);
            NestedPaging nested = (NestedPaging) vm.memoryVirtualization();
            assertThat(vm.memory().owns(nested.root() >>> 12)).as("%s's nested directory is a frame of the VMM's",
                    vm.name()).isFalse();
            assertThat(vm.memory().owns(vmcs >>> 12)).as("%s's VMCS is a frame of the VMM's", vm.name()).isFalse();
        }
    }

    @Test
    @Graded(points = 2, number = "6.16", visibility = Visibility.HIDDEN, name = "hostile: a guest opening its interrupt window one instruction at a time; each interrupt at bare metal's instruction, one window exit for each")
    void interruptWindowFlood() {
        org.vmlab.machine.image.Image window = GuestRuns.program("org/vmlab/labs/lab6/window.s");
        assertRunsLikeBareMetal(window, Vt.ISA, Vt::hardware, Vt::nested);

        VirtualMachine vm = GuestRuns.vm(window, Vt.ISA, Vt.hardware(), Vt.nested(), GuestRuns.PROGRAM_FUEL);
        vm.run();
        long interrupts = vm.vcpu().register(9);
        assertThat(interrupts).as("timer interrupts the guest took").isGreaterThan(100);
        assertThat(vm.counters().named("exit.interrupt_window")).as("interrupt-window exits: at most one for each"
                + " interrupt that waited for the window; more is exiting while nothing waits").isLessThanOrEqualTo(interrupts);
    }

    @Test
    @Graded(points = 2, number = "6.17", visibility = Visibility.HIDDEN, name = "EPT violations: a shared frame mapped read-only; the guest's write gets it a copy of its own")
    void sharedFrames() {
        String program = """
                    .segment kernel, 0x1000
                    .entry start
                start:
                    li r1, 0x8000
                    lw r2, 0(r1)
                    addi r2, r2, 1
                    sw r2, 0(r1)
                    lw r3, 0(r1)
                    cli
                    hlt
                    .segment data, 0x8000
                    .word 41
                """;
        Hypervisor vmm = Vt.host();
        VirtualMachine a = Vt.vm(vmm, "a", SMALL, Vt.nested(), 100_000);
        VirtualMachine b = Vt.vm(vmm, "b", SMALL, Vt.nested(), 100_000);
        a.load(Vt.source(program));
        b.load(Vt.source(program));
        assertThat(a.memory().share(8, b.memory(), 8)).as("the two VMs' identical data pages shared").isTrue();
        int shared = a.memory().machineFrame(8);

        RunResult run = a.run();

        assertThat(run.stopReason()).as("a reads, then writes, its shared page: %s (a write that violates again"
                + " and again: the write must break the sharing, memory.machineFrameForWrite)", run.stopDetail())
                .isEqualTo(StopReason.HALT);
        assertThat(a.vcpu().register(3)).as("a reads back what it wrote").isEqualTo(42);
        assertThat(a.memory().machineFrame(8)).as("a's page after its write: a copy of its own").isNotEqualTo(shared);
        assertThat(b.memory().machineFrame(8)).as("b's page: still the shared frame").isEqualTo(shared);
        assertThat(vmm.machine().memory().readWord(shared << 12)).as("the shared frame, which b reads: a's write"
                + " must not reach it").isEqualTo(41);
        RunResult other = b.run();
        assertThat(other.stopReason()).as(other.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(b.vcpu().register(3)).as("b's own increment, from 41").isEqualTo(42);
    }

    @Test
    @Graded(points = 1, number = "6.18", visibility = Visibility.HIDDEN, name = "lockstep on the legacy ISA: the guest kernel's cli, sti, pushf, popf and control registers under hardware + nested paging")
    void lockstepOnLegacy() {
        // Its popf, which no trap reveals on this ISA, changes IF: it runs in ring 0 of non-root mode.
        assertRunsLikeBareMetal(GuestRuns.program("org/vmlab/labs/lab1/flags.s"), IsaVariant.LEGACY, Vt::hardware,
                Vt::nested);
        assertRunsLikeBareMetal(GuestRuns.program("org/vmlab/labs/lab1/control.s"), IsaVariant.LEGACY, Vt::hardware,
                Vt::nested);
    }

    @Test
    @Graded(points = 1, number = "6.19", visibility = Visibility.HIDDEN, name = "edges: no VPID to enable, events that need no re-injection, a guest state the entry refused")
    void edges() {
        EntryConditions noVpid = new EntryConditions(false, false, true, 0x0012_3000, 0, false, true);
        VmcsSetupRules setup = new VmcsSetupRules();
        assertThat(setup.secondaryControls(noVpid) & VmxControls.SECONDARY_ENABLE_VPID).as("nested paging, but the"
                + " vCPU has no VPID (0): enable VPID with VPID 0 makes the entry fail").isZero();
        assertThat(setup.secondaryControls(noVpid) & VmxControls.SECONDARY_ENABLE_EPT).isNotZero();

        VmExitRules rules = new VmExitRules();
        assertThat(rules.reinjection(VmxControls.interruptionInfo(Vector.PAGE_FAULT, VmxControls.TYPE_HARDWARE_EXCEPTION,
                true))).as("a fault whose delivery a violation interrupted: its instruction raises it again; injected as"
                + " well, the guest would take it twice").isZero();
        assertThat(rules.reinjection(VmxControls.interruptionInfo(0x80, VmxControls.TYPE_SOFTWARE_INTERRUPT, false)))
                .as("a software interrupt (int 0x80): its instruction did not retire and runs again").isZero();
        assertThat(rules.reinjection(VmxControls.interruptionInfo(32, VmxControls.TYPE_EXTERNAL_INTERRUPT, false)
                & ~VmxControls.INFO_VALID)).as("IDT-vectoring information without its valid bit: no event").isZero();

        Vt.Bench b = new Vt.Bench();
        Exit refused = rules.exitFor(VmExitReason.INVALID_GUEST_STATE, b.at(0x1000, 0, false));
        assertThat(refused).as("the entry refused the guest state the VMM loaded: the VMM's error, VmxExit.Stop")
                .isInstanceOf(VmxExit.Stop.class);
        assertThat(((VmxExit.Stop) refused).reason()).isEqualTo(StopReason.MONITOR_ERROR);
    }
}
