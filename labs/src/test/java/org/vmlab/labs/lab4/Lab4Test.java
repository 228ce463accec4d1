package org.vmlab.labs.lab4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.grader.Graded;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;
import org.vmlab.memory.pv.FrameTable;
import org.vmlab.memory.pv.PageTableValidator;
import org.vmlab.memory.pv.PageType;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 4, paravirtualization: the visible graded tests. Your rules of direct paging are asked
 * about entries and frames of a VM whose frames are described to them ({@link Frames}); your
 * event delivery runs in a small paravirtual domain ({@link PvDomain}), asked directly and as a
 * guest kernel finds it.
 */
class Lab4Test {
    private static final int P = Pte.PRESENT;
    private static final int W = Pte.WRITABLE;
    private static final int U = Pte.USER;
    /** The VM's frames: ordinary memory, a pinned page table, a pinned page directory, a spare frame. */
    private static final int DATA = 0x10;
    private static final int TABLE = 0x11;
    private static final int DIRECTORY = 0x12;
    private static final int SPARE = 0x13;
    /** Another VM's frame; a page of the VM's network interface's register window (0xF000_0000). */
    private static final int FOREIGN = 0x50;
    private static final int DEVICE = 0xF0000;

    private final PageTableValidator rules = new DirectPagingRules();
    private final Frames frames = new Frames();

    private static int entry(int mfn, int bits) {
        return mfn << 12 | bits;
    }

    @Test
    @Graded(points = 3, number = "4.1", name = "a page-table entry: own frames and device pages only; a pinned frame read-only, for the kernel")
    void pageTableEntries() {
        assertThat(rules.l1Entry(frames, entry(DATA, P))).as("a present entry mapping one of the VM's frames,"
                + " read-only: valid").isTrue();
        assertThat(rules.l1Entry(frames, entry(DATA, P | W | U))).as("a present entry mapping one of the VM's"
                + " ordinary frames writable, for user code: valid, the guest's memory is its own").isTrue();
        assertThat(rules.l1Entry(frames, entry(FOREIGN, P))).as("a present entry mapping frame 0x50, another VM's:"
                + " it must be refused, or the guest reads (and writes) that VM's memory").isFalse();
        assertThat(rules.l1Entry(frames, entry(0x7FFFF, P))).as("a present entry mapping machine frame 0x7FFFF,"
                + " nobody's: only the VM's own frames and its device pages may be mapped").isFalse();
        assertThat(rules.l1Entry(frames, entry(DEVICE, P | W))).as("a present entry mapping a page of the VM's"
                + " device window (0xF0000000, the network interface's registers), writable: valid, every access"
                + " to it traps to the hypervisor, which emulates it").isTrue();
        assertThat(rules.l1Entry(frames, entry(TABLE, P))).as("a pinned page table mapped read-only, for the"
                + " kernel: valid, the guest may read its tables").isTrue();
        assertThat(rules.l1Entry(frames, entry(DIRECTORY, P))).as("a pinned page directory mapped read-only, for"
                + " the kernel: valid").isTrue();
        assertThat(rules.l1Entry(frames, entry(TABLE, P | W))).as("a writable mapping of a pinned page table: it"
                + " must be refused, or the guest writes its tables behind the hypervisor's back").isFalse();
        assertThat(rules.l1Entry(frames, entry(DIRECTORY, P | W))).as("a writable mapping of a pinned page"
                + " directory: refused, as for a page table").isFalse();
        assertThat(rules.l1Entry(frames, entry(TABLE, P | U))).as("a user mapping of a pinned page table, even"
                + " read-only: refused (a pinned frame is the kernel's, read-only)").isFalse();
        assertThat(rules.l1Entry(frames, entry(FOREIGN, W | U))).as("an entry that is not present maps nothing:"
                + " always valid, whatever its other bits say").isTrue();
        assertThat(rules.l1Entry(frames, 0)).as("an empty entry: valid").isTrue();
    }

    @Test
    @Graded(points = 2, number = "4.2", name = "a directory entry: a pinned page table only, and no 4 MiB page")
    void directoryEntries() {
        assertThat(rules.l2Entry(frames, entry(TABLE, P | W | U))).as("a present directory entry pointing at a"
                + " pinned page table of the VM's: valid").isTrue();
        assertThat(rules.l2Entry(frames, entry(DATA, P | W))).as("a directory entry pointing at frame 0x10, which"
                + " is not pinned: it must be refused, or the MMU walks a table whose entries were never validated"
                + " (the guest writes them as it likes)").isFalse();
        assertThat(rules.l2Entry(frames, entry(DIRECTORY, P))).as("a directory entry pointing at a pinned page"
                + " directory, not a page table: refused (only a frame pinned as L1 may be walked as one)").isFalse();
        assertThat(rules.l2Entry(frames, entry(FOREIGN, P))).as("a directory entry pointing at another VM's frame:"
                + " refused").isFalse();
        assertThat(rules.l2Entry(frames, entry(TABLE, P | PageTableValidator.LARGE_PAGE))).as("a directory entry"
                + " with bit 7 (the x86's PS: a 4 MiB page) set: refused, so that it never means one").isFalse();
        assertThat(rules.l2Entry(frames, entry(FOREIGN, W | U | PageTableValidator.LARGE_PAGE)))
                .as("a directory entry that is not present: always valid").isTrue();
    }

    @Test
    @Graded(points = 3, number = "4.3", name = "pinning: every entry validated, and never a frame the guest can still write")
    void pinning() {
        int[] table = new int[FrameTable.ENTRIES];
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("pinning an empty frame as a page table:"
                + " allowed").isTrue();
        table[0] = entry(DATA, P | W | U);
        table[1] = entry(TABLE, P);
        table[2] = entry(DEVICE, P | W);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("pinning as a page table a frame whose"
                + " entries are each valid in a page table: allowed").isTrue();
        table[700] = entry(FOREIGN, P);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("pinning as a page table a frame whose entry"
                + " 700 maps another VM's frame: every entry must be validated, the last ones too").isFalse();
        table[700] = entry(TABLE, P | W);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("pinning as a page table a frame whose entry"
                + " 700 maps a pinned page table writable: refused").isFalse();
        table[700] = 0;

        table[5] = entry(SPARE, P);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("a page table that maps itself read-only,"
                + " for the kernel: allowed").isTrue();
        table[5] = entry(SPARE, P | W);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("a page table that maps itself writable:"
                + " once pinned, the guest would write it through that entry. The frame being pinned counts as"
                + " pinned, though its type is still NONE").isFalse();
        table[5] = entry(SPARE, P | U);
        assertThat(rules.frame(frames, SPARE, PageType.L1, table)).as("a page table that maps itself for user"
                + " code: refused, as for any pinned frame").isFalse();
        table[5] = 0;

        int[] directory = new int[FrameTable.ENTRIES];
        directory[3] = entry(TABLE, P | W | U);
        assertThat(rules.frame(frames, SPARE, PageType.L2, directory)).as("pinning as a directory a frame whose"
                + " entries point at pinned page tables: allowed").isTrue();
        assertThat(rules.frame(frames, SPARE, PageType.L2, table)).as("pinning as a directory the page table"
                + " above: its entries are checked as directory entries (entry 0 points at frame 0x10, no pinned"
                + " table): refused").isFalse();
        directory[1000] = entry(TABLE, P | PageTableValidator.LARGE_PAGE);
        assertThat(rules.frame(frames, SPARE, PageType.L2, directory)).as("pinning as a directory a frame with a"
                + " 4 MiB page in entry 1000: refused").isFalse();

        frames.writable.put(SPARE, 1);
        assertThat(rules.frame(frames, SPARE, PageType.L1, new int[FrameTable.ENTRIES])).as("pinning a frame that a"
                + " validated entry maps writable (Frames.writableMappings is 1): it must be refused, or the guest"
                + " writes the table through that mapping after it was validated").isFalse();
        assertThat(rules.frame(frames, SPARE, PageType.L2, new int[FrameTable.ENTRIES])).as("the same frame, as a"
                + " directory: refused").isFalse();
    }

    @Test
    @Graded(points = 3, number = "4.4", name = "raising an event: the pending bit, and upcall pending only for an unmasked port newly pending")
    void raisingAnEvent() {
        EventChannelDelivery delivery = new EventChannelDelivery();
        VirtualMachine vm = PvDomain.load(delivery, "    jmp shutdown\n");
        SharedInfo shared = PvDomain.shared(vm);
        shared.setMaskedPorts(~(1 << 5 | 1 << 7));   // ports 5 and 7 unmasked
        shared.setPendingPorts(1 << 9);

        delivery.raise(vm, shared, 5);
        assertThat(shared.pendingPorts()).as("pending ports after an event on port 5, with port 9 pending already:"
                + " bit 5 set, bit 9 kept").isEqualTo(1 << 5 | 1 << 9);
        assertThat(shared.upcallPending()).as("upcall pending after an event on unmasked port 5, which was not"
                + " pending: set, so that the guest takes it (it is set even while the guest's events are masked:"
                + " the guest reads it when it unmasks)").isTrue();

        shared.setUpcallPending(false);   // as the guest's callback clears it, leaving port 5 pending
        delivery.raise(vm, shared, 5);
        assertThat(shared.upcallPending()).as("upcall pending after a second event on port 5, still pending: not set"
                + " again, the two events merge into one, of which the guest was told").isFalse();

        delivery.raise(vm, shared, 6);
        assertThat(shared.pendingPorts() & 1 << 6).as("port 6, masked, after an event: pending").isNotZero();
        assertThat(shared.upcallPending()).as("upcall pending after an event on port 6, which is masked: not set"
                + " (the event waits, pending, until the guest unmasks the port)").isFalse();

        vm.vcpu().startWaiting();
        delivery.raise(vm, shared, 7);
        assertThat(shared.upcallPending()).as("upcall pending after an event on unmasked port 7").isTrue();
        assertThat(vm.vcpu().waiting()).as("a vCPU blocked in SCHEDOP_block, after an event on unmasked port 7: it"
                + " must wake to take it (EventDelivery.markUpcallPending does both)").isFalse();

        VirtualMachine sleeper = PvDomain.run(new EventChannelDelivery(), """
                    li r1, 32               ; bind_virq(VIRQ_TIMER, 0) and unmask it
                    li r2, 1
                    li r3, virq
                    int 0x82
                    li r1, 32
                    li r2, 9
                    li r3, virq_port
                    int 0x82
                    lw r5, 12(r11)          ; set_timer_op(now + 5000)
                    addi r2, r5, 5000
                    li r1, 15
                    li r3, 0
                    int 0x82
                    li r1, 29               ; sched_op(SCHEDOP_block)
                    li r2, 1
                    int 0x82
                woke:
                    jmp shutdown
                virq:
                    .word 0, 0
                virq_port:
                    .word 0
                """);
        assertThat(sleeper.vcpu().stopDetail()).as("a kernel that blocks until its timer's event (VIRQ_TIMER) wakes"
                + " it: how it ended").isEqualTo("the guest shut down (poweroff)");
        assertThat(sleeper.vcpu().register(10)).as("upcalls the blocked kernel took").isEqualTo(1);
        assertThat(PvDomain.word(sleeper, "upcall_pc")).as("where its upcall returned: after the block")
                .isEqualTo(PvDomain.symbol(sleeper, "woke"));
    }

    @Test
    @Graded(points = 3, number = "4.5", name = "the upcall: only when one is pending and events are unmasked; its frame, and events masked")
    void theUpcall() {
        EventChannelDelivery delivery = new EventChannelDelivery();
        VirtualMachine vm = PvDomain.load(delivery, "    jmp shutdown\n");
        SharedInfo shared = PvDomain.shared(vm);
        int callback = PvDomain.symbol(vm, "callback");
        int pc = PvDomain.KERNEL_BASE + 0x40;
        vm.vcpu().setPc(pc);
        vm.vcpu().setRegister(Registers.SP, PvDomain.STACK);

        shared.setUpcallPending(true);
        vm.vcpu().setVirtualInterruptsEnabled(false);
        assertThat(delivery.deliverUpcall(vm, shared, callback)).as("an upcall pending while the guest's events are"
                + " masked (virtual IF 0, the upcall mask): not delivered, the guest said it may not be interrupted")
                .isFalse();
        assertThat(vm.vcpu().pc()).as("pc after an upcall that must not be delivered").isEqualTo(pc);

        shared.setUpcallPending(false);
        vm.vcpu().setVirtualInterruptsEnabled(true);
        assertThat(delivery.deliverUpcall(vm, shared, callback)).as("no upcall pending, events unmasked: nothing to"
                + " deliver").isFalse();
        shared.setUpcallPending(true);
        assertThat(delivery.deliverUpcall(vm, shared, 0)).as("an upcall pending, events unmasked, but no callback"
                + " registered (0): nowhere to deliver it").isFalse();
        assertThat(vm.vcpu().pc()).isEqualTo(pc);

        assertThat(delivery.deliverUpcall(vm, shared, callback)).as("an upcall pending, events unmasked, a callback"
                + " registered: delivered").isTrue();
        assertThat(vm.vcpu().pc()).as("pc after the upcall: the event callback").isEqualTo(callback);
        assertThat(vm.vcpu().virtualInterruptsEnabled()).as("the guest's events after the upcall: masked, as a"
                + " handler behind an interrupt gate runs, or a second event enters the callback again").isFalse();
        int sp = vm.vcpu().register(Registers.SP);
        assertThat(sp).as("sp after the upcall: a frame of four words on the kernel stack").isEqualTo(PvDomain.STACK - 16);
        assertThat(vm.memory().readWord(sp + 4)).as("the frame's return pc: where the guest was").isEqualTo(pc);
        assertThat(vm.memory().readWord(sp + 8) & Registers.FLAG_IF).as("the frame's FLAGS: events were unmasked,"
                + " so that iret unmasks them again").isEqualTo(Registers.FLAG_IF);
        assertThat(vm.counters().named("pv.evtchn.upcalls")).as("upcalls counted (EventDelivery.enterCallback)")
                .isEqualTo(1);

        VirtualMachine guest = PvDomain.run(new EventChannelDelivery(), LOOPBACK + """
                    li r1, 32               ; send(a): an event for b, events still masked
                    li r2, 4
                    li r3, alloc_port
                    int 0x82
                    mov r8, r10             ; upcalls so far
                    lw r7, 0(r11)           ; upcall pending, as the guest sees it
                    sw r0, 4(r11)           ; unmask events: a store
                    li r1, 17               ; xen_version: the upcall comes as it returns
                    li r2, 0
                    int 0x82
                after_call:
                    jmp shutdown
                """);
        int b = PvDomain.word(guest, "bind_port");
        assertThat(guest.vcpu().register(8)).as("upcalls delivered while the guest's events were masked").isZero();
        assertThat(guest.vcpu().register(7)).as("upcall pending as the guest read it, its events masked, after an"
                + " event on its unmasked port b: it must be 1, or the guest, unmasking, sees nothing to take and"
                + " never asks for the upcall").isEqualTo(1);
        assertThat(guest.vcpu().register(10)).as("upcalls delivered after the guest unmasked its events and called the"
                + " hypervisor (xen_version): one, as the call returns")
                .isEqualTo(1);
        assertThat(guest.vcpu().register(9)).as("the ports its callback took").isEqualTo(1 << b);
        assertThat(PvDomain.word(guest, "upcall_pc")).as("where the upcall returned: after the hypercall")
                .isEqualTo(PvDomain.symbol(guest, "after_call"));
    }

    @Test
    @Graded(points = 2, number = "4.6", name = "unmasking a port: an event pending on it is delivered; a masked port stays pending")
    void unmasking() {
        EventChannelDelivery delivery = new EventChannelDelivery();
        VirtualMachine vm = PvDomain.load(delivery, "    jmp shutdown\n");
        SharedInfo shared = PvDomain.shared(vm);
        shared.setMaskedPorts(1 << 3 | 1 << 5 | 1 << 6);
        shared.setPendingPorts(1 << 5);

        delivery.unmask(vm, shared, 6);
        assertThat(shared.maskedPorts()).as("masked ports after unmasking port 6: bit 6 cleared, the others kept")
                .isEqualTo(1 << 3 | 1 << 5);
        assertThat(shared.upcallPending()).as("upcall pending after unmasking port 6, with no event pending on it:"
                + " not set").isFalse();

        vm.vcpu().startWaiting();
        delivery.unmask(vm, shared, 5);
        assertThat(shared.maskedPorts()).as("masked ports after unmasking port 5").isEqualTo(1 << 3);
        assertThat(shared.upcallPending()).as("upcall pending after unmasking port 5, which had an event pending"
                + " while masked: set, so that the event is delivered now").isTrue();
        assertThat(vm.vcpu().waiting()).as("a blocked vCPU, after unmasking a pending port: awake").isFalse();
        assertThat(shared.pendingPorts()).as("pending ports after unmasking: unchanged (the guest takes them)")
                .isEqualTo(1 << 5);

        VirtualMachine guest = PvDomain.run(new EventChannelDelivery(), """
                    li r1, 32               ; alloc_unbound: port a
                    li r2, 6
                    li r3, alloc
                    int 0x82
                    li r5, alloc_port
                    lw r5, 0(r5)
                    li r6, bind_remote
                    sw r5, 0(r6)
                    li r1, 32               ; bind_interdomain: port b, connected to a; b stays masked
                    li r2, 0
                    li r3, bind
                    int 0x82
                    sw r0, 4(r11)           ; events on
                    li r1, 32               ; send(a): an event for b, which is masked
                    li r2, 4
                    li r3, alloc_port
                    int 0x82
                    mov r8, r10             ; upcalls so far: none, b is masked
                    lw r7, 64(r11)          ; pending ports
                    li r1, 32               ; unmask(b): the upcall comes as it returns
                    li r2, 9
                    li r3, bind_port
                    int 0x82
                after_unmask:
                    jmp shutdown
                alloc:
                    .word 0x7FF0, 0x7FF0
                alloc_port:
                    .word 0
                bind:
                    .word 0x7FF0
                bind_remote:
                    .word 0
                bind_port:
                    .word 0
                """);
        int b = PvDomain.word(guest, "bind_port");
        assertThat(guest.vcpu().register(8)).as("upcalls delivered after an event on port b, which is masked, the"
                + " guest's events on: none, the event must wait, pending, until the port is unmasked").isZero();
        assertThat(guest.vcpu().register(7) & 1 << b).as("the masked port, after its event: pending").isNotZero();
        assertThat(guest.vcpu().register(10)).as("upcalls delivered after the guest unmasked port b, with its event"
                + " pending: one, as the unmask call returns").isEqualTo(1);
        assertThat(PvDomain.word(guest, "upcall_pc")).as("where the upcall returned: after the unmask hypercall")
                .isEqualTo(PvDomain.symbol(guest, "after_unmask"));
    }

    /** A loopback channel: ports {@code a} and {@code b} of the domain, connected, {@code b} unmasked. */
    static final String LOOPBACK = """
                li r1, 32               ; event_channel_op(alloc_unbound, &alloc): port a
                li r2, 6
                li r3, alloc
                int 0x82
                li r5, alloc_port       ; bind's remote port is a
                lw r5, 0(r5)
                li r6, bind_remote
                sw r5, 0(r6)
                li r1, 32               ; bind_interdomain(&bind): port b, connected to a
                li r2, 0
                li r3, bind
                int 0x82
                li r1, 32               ; unmask(b)
                li r2, 9
                li r3, bind_port
                int 0x82
                jmp loopback_done
            alloc:
                .word 0x7FF0, 0x7FF0
            alloc_port:
                .word 0
            bind:
                .word 0x7FF0
            bind_remote:
                .word 0
            bind_port:
                .word 0
            loopback_done:
            """;

    /**
     * The VM's frames as the rules see them: {@code DATA} and {@code SPARE} ordinary, {@code TABLE}
     * a pinned page table, {@code DIRECTORY} a pinned page directory; {@code DEVICE} a device page;
     * nothing mapped writable unless a test says so.
     */
    private static final class Frames implements PageTableValidator.Frames {
        private final Set<Integer> owned = new HashSet<>(Set.of(DATA, TABLE, DIRECTORY, SPARE));
        private final Map<Integer, PageType> types = new HashMap<>(Map.of(TABLE, PageType.L1, DIRECTORY, PageType.L2));
        final Map<Integer, Integer> writable = new HashMap<>();

        @Override
        public boolean owns(int mfn) {
            return owned.contains(mfn);
        }

        @Override
        public boolean isDevicePage(int mfn) {
            return mfn == DEVICE;
        }

        @Override
        public PageType type(int mfn) {
            return types.getOrDefault(mfn, PageType.NONE);
        }

        @Override
        public int writableMappings(int mfn) {
            return writable.getOrDefault(mfn, 0);
        }
    }
}
