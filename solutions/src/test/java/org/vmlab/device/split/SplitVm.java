package org.vmlab.device.split;

import org.vmlab.labs.lab5.SplitRingRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vmlab.machine.Clock;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DomainEvents;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.IdentityMemory;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * A VM with split drivers for the back ends' tests, driven from Java as a front end would drive
 * it: its hypercalls called through the VM's table, its shared pages written in its memory, its
 * devices' time moved on by hand. The CPU is a test double whose only part is the guest's event
 * channels as domain 0 sees them ({@link Channels}): a port the test allocates for domain 0, the
 * guest's {@code send} on it, and the back end's notifications counted per port.
 */
final class SplitVm {
    static final int MEMORY = 256 << 10;
    static final int PAGE = SplitAbi.PAGE_SIZE;
    /** Where the tests put the hypercalls' arguments. */
    static final int ARGS = 0x1000;
    /** The grant table's frame. */
    static final int TABLE_FRAME = 4;

    final Channels channels = new Channels();
    final SplitDrivers drivers;
    final VirtualMachine vm;

    SplitVm() {
        this(DeviceConfig.defaults(), new SplitRingRules());
    }

    SplitVm(DeviceConfig devices, RingService rules) {
        this(devices, rules, Hosting.BARE_METAL);
    }

    SplitVm(DeviceConfig devices, RingService rules, Hosting hosting) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(MEMORY).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        drivers = new SplitDrivers(hosting, rules);
        VmConfig config = new VmConfig("split", MEMORY, MEMORY / PhysicalMemory.PAGE_SIZE, Long.MAX_VALUE, devices);
        vm = vmm.create(config, new EventsOnly(channels), new IdentityMemory(), drivers);
    }

    /** Hypercall {@code number} with {@code a1..a3}, as the guest would make it. */
    int hypercall(int number, int a1, int a2, int a3) {
        return vm.hypercalls().lookup(number).handler().call(vm, new HypercallTable.Arguments(a1, a2, a3, 0, 0));
    }

    /** {@code grant_table_op(setup_table)} for the table at {@link #TABLE_FRAME}; the result. */
    int setUpGrantTable() {
        words(ARGS, SplitAbi.DOMID_SELF, 1, 0x5555, TABLE_FRAME);
        return hypercall(SplitAbi.GRANT_TABLE_OP, SplitAbi.GNTTABOP_SETUP_TABLE, 1, ARGS);
    }

    /** Grant entry {@code gref}: {@code frame} to domain {@code domid} with {@code flags}. */
    void grant(int gref, int flags, int domid, int frame) {
        words(TABLE_FRAME * PAGE + gref * 8, domid << 16 | flags, frame);
    }

    /** A read-write grant of {@code frame} to domain 0. */
    void grant(int gref, int frame) {
        grant(gref, SplitAbi.GTF_PERMIT_ACCESS, 0, frame);
    }

    int flags(int gref) {
        return word(TABLE_FRAME * PAGE + gref * 8) & 0xFFFF;
    }

    /** An empty ring page at {@code frame}, as a front end initialises it. */
    void initRing(int frame) {
        vm.memory().write(frame * PAGE, new byte[PAGE]);
        words(frame * PAGE + SplitAbi.RING_REQ_EVENT, 1);
        words(frame * PAGE + SplitAbi.RING_RSP_EVENT, 1);
    }

    void words(int gpa, int... values) {
        for (int i = 0; i < values.length; i++) {
            vm.memory().writeWord(gpa + 4 * i, values[i]);
        }
    }

    int word(int gpa) {
        return vm.memory().readWord(gpa);
    }

    /** Runs the VM's devices until nothing is pending (the back ends' work included). */
    void settle() {
        Clock clock = vm.devices().clock();
        for (int i = 0; i < 100_000 && clock.nextDeadline() != Long.MAX_VALUE; i++) {
            clock.advanceTo(clock.nextDeadline());
            clock.runDue();
        }
    }

    long named(String counter) {
        return vm.counters().named(counter);
    }

    /** The guest's event channels, as far as domain 0 reaches them. */
    static final class Channels implements DomainEvents {
        private final Map<Integer, Runnable> connected = new HashMap<>();
        private final List<Integer> unbound = new ArrayList<>();
        final Map<Integer, Integer> notified = new HashMap<>();

        /** {@code alloc_unbound(DOMID_SELF, 0)}: port {@code port} waits for domain 0. */
        void allocateForBackEnd(int port) {
            unbound.add(port);
        }

        @Override
        public int connect(int port, Runnable onNotify) {
            if (!unbound.remove((Integer) port)) {
                return -Errno.EINVAL;
            }
            connected.put(port, onNotify);
            return 0;
        }

        @Override
        public void notify(int port) {
            if (connected.containsKey(port)) {
                notified.merge(port, 1, Integer::sum);
            }
        }

        /** The guest's {@code send} on {@code port}. */
        void send(int port) {
            Runnable backEnd = connected.get(port);
            if (backEnd != null) {
                backEnd.run();
            }
        }

        int notifications(int port) {
            return notified.getOrDefault(port, 0);
        }
    }

    /** A CPU technique that never runs: only its event channels are used. */
    private record EventsOnly(Channels channels) implements CpuVirtualization {
        @Override
        public String name() {
            return "events-only-test-double";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            throw new UnsupportedOperationException("the back ends' tests do not run a guest");
        }

        @Override
        public Optional<DomainEvents> domainEvents() {
            return Optional.of(channels);
        }
    }
}
