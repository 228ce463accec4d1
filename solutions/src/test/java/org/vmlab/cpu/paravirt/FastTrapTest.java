package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Xen's fast system call: a trap-table entry marked fast (bit 11) is entered from user mode by
 * the processor itself, through a direct gate the hypervisor puts in its exit controls, with no
 * exit; the guest sees exactly what the hypervisor's delivery would have shown it. Only a system
 * call a user may raise, whose entry leaves events as they are, with its handler in the guest's
 * memory, can be fast: any other fast entry makes {@code set_trap_table} refuse the whole list.
 */
class FastTrapTest {
    /**
     * A kernel that registers ENTRY (the 0x80 entry's first word), enters user mode with events
     * unmasked; user code sets its condition bits and makes a system call; the handler keeps the
     * frame it was entered with (error code, pc, FLAGS, sp at {@code frame}) and its sp, checks
     * that it runs as the kernel with a hypercall (xen_version into r9), and shuts down.
     */
    private static final String KERNEL = """
                li sp, 0x9000
                li r1, 0            ; set_trap_table(table)
                li r2, table
                int 0x82
                mov r10, r1
                li r1, 3            ; stack_switch(0, 0x8000)
                li r2, 0
                li r3, 0x8000
                int 0x82
                li r5, 0x7000       ; into user mode, events unmasked: the interrupted sp,
                push r5
                li r5, 0x3200       ; FLAGS with ring 3 and IF,
                push r5
                li r5, user         ; pc,
                push r5
                push r1             ; and r1
                li r1, 23           ; iret()
                int 0x82
            user:
                li r7, 5
                cmpi r7, 6          ; N and C: the frame's FLAGS show them
                int 0x80
            back:
                li r13, 1           ; never runs
            syscall:
                mov r11, sp
                li r6, frame
                lw r5, 0(sp)
                sw r5, 0(r6)
                lw r5, 4(sp)
                sw r5, 4(r6)
                lw r5, 8(sp)
                sw r5, 8(r6)
                lw r5, 12(sp)
                sw r5, 12(r6)
                li r1, 17           ; xen_version(XENVER_version): a hypercall only the kernel makes
                li r2, 0
                int 0x82
                mov r9, r1
                li r1, 29
                li r2, 2
                li r3, poweroff
                int 0x82
            table:
                .word ENTRY, syscall
                .word 0, 0
            poweroff:
                .word 0
            frame:
                .word 0, 0, 0, 0
            """;

    private static final int SLOW = 0x0380;           // vector 0x80, ring 3
    private static final int FAST = SLOW | XenAbi.TI_FAST_TRAP;

    private static VirtualMachine run(int entry) {
        return run(entry, IsaVariant.CLASSIC);
    }

    private static VirtualMachine run(int entry, IsaVariant isa) {
        VirtualMachine vm = TinyVm.withKernel(isa, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()),
                KERNEL.replace("ENTRY", String.format("0x%04x", entry)));
        vm.switchOut();
        vm.run();
        return vm;
    }

    private static int[] frame(VirtualMachine vm) {
        int at = TinyVm.symbol(vm, "frame");
        return new int[] {vm.memory().readWord(at), vm.memory().readWord(at + 4),
            vm.memory().readWord(at + 8), vm.memory().readWord(at + 12)};
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"classic", "legacy"})
    void aFastSystemCallFromUserModeCausesNoExit(String variant) {
        IsaVariant isa = IsaVariant.named(variant).orElseThrow();
        VirtualMachine slow = run(SLOW, isa);
        VirtualMachine fast = run(FAST, isa);

        assertThat(slow.counters().exits(Exit.SoftwareInterrupt.KIND)).as("unmarked: the int exits").isEqualTo(1);
        assertThat(slow.counters().events(CoreEvent.REFLECTION)).isEqualTo(1);
        assertThat(fast.counters().exits(Exit.SoftwareInterrupt.KIND)).as("marked: it does not").isZero();
        assertThat(fast.counters().events(CoreEvent.REFLECTION)).isZero();
        assertThat(fast.counters().named("pv.trap.direct")).isEqualTo(1);
        assertThat(fast.counters().totalExits()).isEqualTo(slow.counters().totalExits() - 1);
    }

    @Test
    void theGuestSeesWhatTheHypervisorsDeliveryWouldHaveShownIt() {
        VirtualMachine slow = run(SLOW);
        VirtualMachine fast = run(FAST);

        assertThat(slow.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(fast.vcpu().stopDetail()).isEqualTo(slow.vcpu().stopDetail());
        assertThat(frame(fast)).as("error code, the pc after the int, FLAGS (ring 3, IF, N, C), the user sp")
                .containsExactly(0, TinyVm.symbol(fast, "back"),
                        3 << Registers.CPL_SHIFT | Registers.FLAG_IF | Registers.FLAG_N | Registers.FLAG_C, 0x7000)
                .isEqualTo(frame(slow));
        assertThat(fast.vcpu().register(11)).as("on the kernel stack of stack_switch").isEqualTo(0x8000 - 16)
                .isEqualTo(slow.vcpu().register(11));
        assertThat(fast.vcpu().register(9)).as("the handler's hypercall was one: it ran as the kernel")
                .isEqualTo(XenAbi.XEN_VERSION_3_0);
        assertThat(fast.vcpu().register(13)).isZero();
        assertThat(fast.vcpu().snapshot()).as("the state at the end, the virtual ring and IF included")
                .isEqualTo(slow.vcpu().snapshot());
        assertThat(fast.vcpu().virtualRing()).isZero();
        assertThat(fast.vcpu().instructions()).isEqualTo(slow.vcpu().instructions());
        assertThat(PvKernel.shared(fast).upcallMask()).as("events as the entry left them")
                .isEqualTo(PvKernel.shared(slow).upcallMask()).isFalse();
    }

    @Test
    void fromTheKernelTheSameIntStillExitsAndIsDeliveredByTheHypervisor() {
        String kernel = KERNEL.replace("ENTRY", String.format("0x%04x", FAST))
                .replace("    li r5, 0x7000       ; into user mode", "    int 0x80\n    li r5, 0x7000       ; into user mode");
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), kernel);
        vm.switchOut();

        vm.run();

        assertThat(vm.counters().exits(Exit.SoftwareInterrupt.KIND)).isEqualTo(1);
        assertThat(vm.counters().named("pv.trap.direct")).isZero();
        assertThat(frame(vm)[2] >>> Registers.CPL_SHIFT & 3).as("raised from the kernel").isZero();
        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
    }

    @Test
    void aKernelStackThatCannotTakeTheFrameMeetsWhatTheUnmarkedEntryMeets() {
        String outside = "    li r3, 0x7FFF0000\n";
        VirtualMachine slow = runWith(SLOW, outside);
        VirtualMachine fast = runWith(FAST, outside);

        assertThat(slow.vcpu().stopReason()).isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(fast.vcpu().stopReason()).isEqualTo(slow.vcpu().stopReason());
        assertThat(fast.vcpu().stopDetail()).isEqualTo(slow.vcpu().stopDetail());
        assertThat(fast.counters().exits(Exit.SoftwareInterrupt.KIND)).as("the direct gate stood aside").isEqualTo(1);
    }

    private static VirtualMachine runWith(int entry, String kernelStack) {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()),
                KERNEL.replace("ENTRY", String.format("0x%04x", entry)).replace("    li r3, 0x8000\n", kernelStack));
        vm.switchOut();
        vm.run();
        return vm;
    }

    // --- hostile fast entries: refused, nothing registered, the VMM unharmed ------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "a fault vector (#PF) with ring 3,          0x0B0E, syscall",
            "the hypercall vector,                      0x0B82, syscall",
            "a system call with ring 0,                 0x0880, syscall",
            "a system call that masks events,           0x0F80, syscall",
            "a handler outside the guest,               0x0B80, 0x7FFF0000"})
    void aFastEntryThatCannotBeIsRefusedAndNothingIsRegistered(String what, String info, String handler) {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), """
                    li sp, 0x9000
                    li r1, 0            ; set_trap_table(table)
                    li r2, table
                    int 0x82
                    mov r10, r1
                    int 0x81            ; would reach `registered` had the list been taken
                registered:
                    li r13, 1
                syscall:
                    li r12, 1
                table:
                    .word 0x0081, registered
                    .word INFO, HANDLER
                    .word 0, 0
                """.replace("INFO", info).replace("HANDLER", handler));
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().register(10)).isEqualTo(-Errno.EINVAL);
        assertThat(vm.vcpu().register(13)).as("not even the good entry was registered").isZero();
        assertThat(vm.vcpu().stopReason()).as("no gate: #GP, and no gate for that").isEqualTo(StopReason.TRIPLE_FAULT);
    }
}
