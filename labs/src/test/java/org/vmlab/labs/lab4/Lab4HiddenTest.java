package org.vmlab.labs.lab4;

import static org.vmlab.labs.GuestRuns.assertEveryParavirtualToyosWorkloadRunsLikeNative;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.cpu.paravirt.EventDelivery;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.pv.PvMmu;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** Lab 4, paravirtualization: the hidden graded tests. */
class Lab4HiddenTest {
    private static final int EPERM = -Errno.EPERM;

    /** One attack of a hostile guest: what it tries, and the guest's code (results 0.. are its calls' returns). */
    private record Attack(String what, String body) {
    }

    private static final List<Attack> ATTACKS = List.of(
            new Attack("an mmu_update writing into its pinned page table an entry that maps the victim VM's frame", """
                    arg r10, 0
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    mfn r9, 11
                    shli r9, r9, 12
                    addi r9, r9, 7 * 4
                    req 0, r9
                    req 1, r10
                    mmu_update 1
                    result 0
                    """),
            new Attack("an update_va_mapping mapping its own pinned page table writable", """
                    mfn r10, 11
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    update_va_mapping 0x7000, r10, 2
                    result 0
                    """),
            new Attack("an update_va_mapping mapping its pinned page directory for user code", """
                    mfn r10, 10
                    shli r10, r10, 12
                    ori r10, r10, P | U
                    update_va_mapping 0x7000, r10, 2
                    result 0
                    """),
            new Attack("pinning as a page table a frame it still maps writable (guest frame 5, at 0x5000)", """
                    reqi 0, 0
                    mfn r9, 5
                    req 1, r9
                    mmuext_op 1
                    result 0
                    """),
            new Attack("pinning a page table it filled by hand with a mapping of the victim VM's frame", """
                    arg r10, 0
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    li r9, 0x9000
                    sw r10, 0(r9)
                    call table_read_only
                    reqi 0, 0
                    mfn r9, 9
                    req 1, r9
                    mmuext_op 1
                    result 0
                    """),
            new Attack("a directory entry pointing at a page table it filled by hand and never pinned (mapping the"
                    + " victim VM's frame at 0x400000)", """
                    arg r10, 0
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    li r9, 0x9000
                    sw r10, 0(r9)
                    mfn r9, 10
                    shli r9, r9, 12
                    addi r9, r9, 4
                    req 0, r9
                    mfn r10, 9
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    req 1, r10
                    mmu_update 1
                    result 0
                    """),
            new Attack("a directory entry mapping a 4 MiB page (bit 7) from its own page table", """
                    mfn r9, 10
                    shli r9, r9, 12
                    addi r9, r9, 4
                    req 0, r9
                    mfn r10, 11
                    shli r10, r10, 12
                    ori r10, r10, P | W | 0x80
                    req 1, r10
                    mmu_update 1
                    result 0
                    """),
            new Attack("pinning a page table that maps itself writable", """
                    mfn r10, 9
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    li r9, 0x9000
                    sw r10, 4 * 9(r9)
                    call table_read_only
                    reqi 0, 0
                    mfn r9, 9
                    req 1, r9
                    mmuext_op 1
                    result 0
                    """),
            new Attack("pinning as a page directory a frame whose entry points at a frame that is no pinned page"
                    + " table (its data, guest frame 5)", """
                    mfn r10, 5
                    shli r10, r10, 12
                    ori r10, r10, P | W
                    li r9, 0x9000
                    sw r10, 4 * 3(r9)
                    call table_read_only
                    reqi 0, 1
                    mfn r9, 9
                    req 1, r9
                    mmuext_op 1
                    result 0
                    """));

    @Test
    @Graded(points = 3, number = "4.7", name = "hostile guests: no mapping of another VM's frame, no writable table",
            visibility = Visibility.HIDDEN)
    void hostileGuestsAreContained() {
        for (Attack attack : ATTACKS) {
            HostileGuest guest = new HostileGuest(attack.body()).run();
            String which = "a paravirtual guest under your pv-mmu tried " + attack.what();
            if (guest.vm.vcpu().stopReason() != StopReason.HALT) {
                throw new AssertionError(which + "; it should have been refused and powered off, but it stopped with "
                        + guest.vm.vcpu().stopReason() + " (" + guest.vm.vcpu().stopDetail() + ")");
            }
            if (guest.result(HostileGuest.PIN_AND_LOAD) != 0) {
                throw new AssertionError(which + "; but first, pinning and loading its own valid page table and"
                        + " directory failed (" + guest.result(HostileGuest.PIN_AND_LOAD) + "): your rules refuse a"
                        + " table that maps the guest's own frames, the tables read-only");
            }
            if (guest.result(0) != EPERM) {
                throw new AssertionError(which + ": the hypervisor answered " + guest.result(0) + " where it must"
                        + " refuse it (" + EPERM + ", -EPERM): the guest would reach memory it does not own, or write"
                        + " a page table behind the hypervisor's back");
            }
            if (guest.victim.memory().readWord(HostileGuest.DATA) != HostileGuest.SECRET) {
                throw new AssertionError(which + ": the victim VM's secret was overwritten");
            }
        }
    }

    @Test
    @Graded(points = 4, number = "4.8", name = "toyos: every workload, paravirtual, observably equivalent to the native kernel",
            visibility = Visibility.HIDDEN)
    void toyos(Checkpoints checkpoints) {
        assertEveryParavirtualToyosWorkloadRunsLikeNative(IsaVariant.LEGACY,
                () -> new Paravirtualization(new EventChannelDelivery()), () -> new PvMmu(new DirectPagingRules()),
                checkpoints, 0.4);
    }

    /**
     * A small paravirtual guest under your pv-mmu (and events that are never delivered: these
     * guests use none), beside a victim VM whose data holds a secret. The test stands for the
     * domain builder: it writes the frame list (word {@code i} at {@code FRAMES}: the machine frame
     * of guest frame {@code i}) and leaves the victim's data frame as argument 0. The guest builds a
     * page table mapping its guest frames 0-15 at their own addresses (10 and up read-only), pins it
     * and its directory and loads the directory (its call's return is result {@link #PIN_AND_LOAD}),
     * then runs the attack; a page fault or #GP powers it off.
     */
    private static final class HostileGuest {
        static final int MACHINE = 256 << 10;
        static final int MEMORY = 64 << 10;
        static final int FRAMES = 0x3000;
        static final int ARGS = 0x3100;
        static final int DATA = 0x5000;
        static final int RESULTS = 0x6000;
        static final int SECRET = 0x5EC12E7;
        static final int PIN_AND_LOAD = 15;

        private static final String LIBRARY = PvGuestLibrary.LIBRARY;

        private static final String ROUTINES = """
                    poweroff
                build:
                    li r9, 0
                build_next:
                    shli r10, r9, 2
                    li r11, FRAMES
                    add r11, r11, r10
                    lw r12, 0(r11)
                    shli r12, r12, 12
                    ori r12, r12, P | W
                    cmpi r9, 10
                    blt build_rw
                    xori r12, r12, W
                build_rw:
                    li r11, L1
                    add r11, r11, r10
                    sw r12, 0(r11)
                    addi r9, r9, 1
                    cmpi r9, 16
                    blt build_next
                    mfn r12, 11
                    shli r12, r12, 12
                    ori r12, r12, P | W
                    li r11, L2
                    sw r12, 0(r11)
                    ret
                pin_and_load:
                    reqi 0, 0                   ; MMUEXT_PIN_L1_TABLE
                    mfn r9, 11
                    req 1, r9
                    reqi 3, 1                   ; MMUEXT_PIN_L2_TABLE
                    mfn r9, 10
                    req 4, r9
                    reqi 6, 5                   ; MMUEXT_NEW_BASEPTR
                    req 7, r9
                    mmuext_op 3
                    ret
                table_read_only:                ; guest frame 9, at 0x9000, read-only: it may become a table
                    mfn r10, 9
                    shli r10, r10, 12
                    ori r10, r10, P
                    update_va_mapping 0x9000, r10, 2
                    ret
                fault_handler:
                    poweroff
                    .align 4
                traps:
                    .word 14, fault_handler
                    .word 13, fault_handler
                    .word 0, 0
                off_reason:
                    .word 0
                """;

        final VirtualMachine vm;
        final VirtualMachine victim;

        HostileGuest(String attack) {
            Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(MACHINE).fuel(Long.MAX_VALUE).build(),
                    VmmCostModel.DEFAULT);
            victim = vmm.create(new VmConfig("victim", MEMORY, MEMORY >> 12, 1_000_000, DeviceConfig.defaults()),
                    new Paravirtualization(new NoEvents()), new PvMmu(new DirectPagingRules()));
            victim.memory().writeWord(DATA, SECRET);
            vm = vmm.create(new VmConfig("guest", MEMORY, MEMORY >> 12, 1_000_000, DeviceConfig.defaults()),
                    new Paravirtualization(new NoEvents()), new PvMmu(new DirectPagingRules()));
            vm.load(kernel("    call build\n    call pin_and_load\n    result " + PIN_AND_LOAD + "\n" + attack));
            for (int gfn = 0; gfn < vm.memory().frames(); gfn++) {
                vm.memory().writeWord(FRAMES + 4 * gfn, vm.memory().machineFrame(gfn));
            }
            vm.memory().writeWord(ARGS, victim.memory().machineFrame(DATA >>> 12));
            vm.memory().writeWord(RESULTS + 4 * PIN_AND_LOAD, -1);
        }

        private static Image kernel(String body) {
            // The entry in a segment of its own, far above the layout, so that the domain builder's
            // pages (after the entry's segment) are out of the way too.
            String source = LIBRARY + "    .segment boot, 0xC000\n    .entry start\nstart:\n"
                    + "    jmp main\n    .segment kernel, 0x1000\nmain:\n"
                    + "    li sp, 0x9000\n    li r2, traps\n    hypercall 0\n" + body + ROUTINES;
            try {
                return Assembler.assembleSource(source);
            } catch (AssemblyException e) {
                throw new IllegalArgumentException("the hostile guest does not assemble: " + e.getMessage(), e);
            }
        }

        HostileGuest run() {
            vm.run();
            return this;
        }

        int result(int k) {
            return vm.memory().readWord(RESULTS + 4 * k);
        }
    }

    /** Events for guests that use none: marked pending, never delivered. */
    private static final class NoEvents implements EventDelivery {
        @Override
        public void raise(VirtualMachine vm, SharedInfo shared, int port) {
            shared.setPendingPorts(shared.pendingPorts() | 1 << port);
        }

        @Override
        public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
            shared.setMaskedPorts(shared.maskedPorts() & ~(1 << port));
        }

        @Override
        public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
            return false;
        }
    }
}
