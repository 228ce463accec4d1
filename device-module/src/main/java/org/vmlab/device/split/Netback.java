package org.vmlab.device.split;

import org.vmlab.device.HostSide;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.DomainEvents;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.VirtualMachine;

/**
 * The network back end, after Xen's {@code netback} ({@code io/netif.h}): two shared rings, one
 * port. Transmit: it takes the front end's tx requests, grant-copies each frame into its own
 * buffer and hands it to the VM's network interface by the interface's descriptor rings and
 * registers, as the interface's driver in domain 0 would; the interface's transmit-done
 * interrupt (which comes here) gives each its response. Receive: a frame the interface received
 * into the back end's buffer is grant-copied into the page of the next rx request the front end
 * posted, and answered with its length; with no rx request posted it is dropped
 * ({@code split.net.rx.dropped}).
 *
 * <p>The back end keeps the interface's rings in its own memory, {@link SplitDrivers#NIC_RING}
 * descriptors each, whose buffers never change: tx descriptor {@code i} sends from tx buffer
 * {@code i}, rx descriptor {@code i} receives into rx buffer {@code i}.
 */
final class Netback {
    private static final int TX_REQUEST_WORDS = 4;
    private static final int RX_REQUEST_WORDS = 2;
    private static final int RING = SplitDrivers.NIC_RING;

    private final VirtualMachine vm;
    private final HostSide hostSide;
    private final RingService rules;
    private final GrantTable grants;
    private final PhysicalMemory buffer;
    private final int[] txIds = new int[RING];
    private SharedRing tx;
    private SharedRing rx;
    private DomainEvents events;
    private int port;
    // The interface's rings as the back end drives them: the next tx descriptor to fill and to
    // reap, the next rx descriptor to reap and the rx tail.
    private int txTail;
    private int txClean;
    private int rxClean;
    private int rxTail;

    Netback(VirtualMachine vm, HostSide hostSide, RingService rules, GrantTable grants, PhysicalMemory buffer) {
        this.vm = vm;
        this.hostSide = hostSide;
        this.rules = rules;
        this.grants = grants;
        this.buffer = buffer;
    }

    /**
     * {@code device_connect} for a vif: maps both rings and binds to the guest's {@code port};
     * then sets the interface up, its receive buffers offered.
     *
     * @return 0, or {@code -EEXIST}, {@code -EINVAL} having changed nothing
     */
    int connect(DomainEvents domain, int txRef, int rxRef, int port, int ringSize) {
        if (tx != null) {
            return -Errno.EEXIST;
        }
        if (!SplitDrivers.validRingSize(ringSize, SplitAbi.NET_MAX_RING_SIZE)) {
            return -Errno.EINVAL;
        }
        int txFrame = grants.frameFor(txRef, true);
        int rxFrame = txFrame < 0 ? -1 : grants.frameFor(rxRef, true);
        if (rxFrame < 0 || domain.connect(port, this::notified) != 0) {
            return -Errno.EINVAL;
        }
        tx = new SharedRing(vm.memory(), txFrame * SplitAbi.PAGE_SIZE, ringSize, SplitAbi.NET_SLOT_SIZE);
        rx = new SharedRing(vm.memory(), rxFrame * SplitAbi.PAGE_SIZE, ringSize, SplitAbi.NET_SLOT_SIZE);
        events = domain;
        this.port = port;
        setUpInterface();
        return 0;
    }

    /** The interface's rings in the back end's memory, every rx buffer offered but one. */
    private void setUpInterface() {
        for (int i = 0; i < RING; i++) {
            int d = SplitDrivers.NIC_RX_RING + i * NetworkInterface.DESCRIPTOR_SIZE;
            buffer.writeWord(d + NetworkInterface.DESC_ADDRESS, SplitDrivers.NIC_RX_BUFFERS + i * SplitDrivers.NIC_BUFFER);
            buffer.writeWord(d + NetworkInterface.DESC_LENGTH, SplitDrivers.NIC_BUFFER);
            buffer.writeWord(d + NetworkInterface.DESC_STATUS, 0);
        }
        register(NetworkInterface.TX_BASE, SplitDrivers.NIC_TX_RING);
        register(NetworkInterface.TX_SIZE, RING);
        register(NetworkInterface.RX_BASE, SplitDrivers.NIC_RX_RING);
        register(NetworkInterface.RX_SIZE, RING);
        rxTail = RING - 1;
        register(NetworkInterface.RX_TAIL, rxTail);
        register(NetworkInterface.IMS, NetworkInterface.CAUSE_TX_DONE | NetworkInterface.CAUSE_RX);
    }

    /** The front end's {@code send}: one trip to the back end, which serves the tx batch announced. */
    private void notified() {
        vm.counters().add("split.net.notify.in", 1);
        hostSide.trip(vm, "netback");
        serveTx();
        publish();
    }

    /** The interface's interrupt: frames sent, frames received. */
    void nicInterrupt() {
        int causes = vm.devices().standard().nic().read(NetworkInterface.ICR);   // clears them
        if (tx == null) {
            return;
        }
        if ((causes & NetworkInterface.CAUSE_TX_DONE) != 0) {
            reapTransmitted();
        }
        if ((causes & NetworkInterface.CAUSE_RX) != 0) {
            reapReceived();
        }
        serveTx();
        publish();
    }

    // --- transmit --------------------------------------------------------------------------------

    private void serveTx() {
        if (tx.stopped()) {
            return;
        }
        do {
            int n = rules.requestsToTake(tx);
            if (n == RingService.OVERFLOW) {
                overflow(tx);
                return;
            }
            n = Math.min(n, room());
            for (int i = 0; i < n; i++) {
                transmit(tx.takeRequest(TX_REQUEST_WORDS));
            }
            if (n > 0) {
                vm.counters().add("split.net.tx.requests", n);
            }
        } while (room() > 0 && rules.finalCheckForRequests(tx));
        // With the interface's ring full the back end is not idle: the transmit-done interrupt
        // brings it back to take the rest.
    }

    /** Descriptors the back end may still hand the interface (a ring of n lends n - 1). */
    private int room() {
        return RING - 1 - Math.floorMod(txTail - txClean, RING);
    }

    /** One tx request: a bad size or a refused grant is answered at once, else the frame goes to the interface. */
    private void transmit(int[] request) {
        int id = request[0];
        int gref = request[1];
        int offset = request[2];
        int size = request[3];
        boolean fits = size >= 1 && size <= SplitAbi.NET_MAX_FRAME && offset >= 0
                && offset <= SplitAbi.PAGE_SIZE - size;
        byte[] frame = fits ? grants.copyFromGuest(gref, offset, size) : null;
        if (frame == null) {
            respondTx(id, SplitAbi.NETIF_RSP_ERROR);
            return;
        }
        hostSide.request(vm, size);
        int slot = txTail;
        int address = SplitDrivers.NIC_TX_BUFFERS + slot * SplitDrivers.NIC_BUFFER;
        buffer.write(address, frame);
        int d = SplitDrivers.NIC_TX_RING + slot * NetworkInterface.DESCRIPTOR_SIZE;
        buffer.writeWord(d + NetworkInterface.DESC_ADDRESS, address);
        buffer.writeWord(d + NetworkInterface.DESC_LENGTH, size);
        buffer.writeWord(d + NetworkInterface.DESC_STATUS, 0);
        txIds[slot] = id;
        txTail = (txTail + 1) % RING;
        register(NetworkInterface.TX_TAIL, txTail);
    }

    /** Every descriptor the interface is done with gets its request's response. */
    private void reapTransmitted() {
        int head = vm.devices().standard().nic().read(NetworkInterface.TX_HEAD);
        while (txClean != head && txClean != txTail) {
            int d = SplitDrivers.NIC_TX_RING + txClean * NetworkInterface.DESCRIPTOR_SIZE;
            boolean error = (buffer.readWord(d + NetworkInterface.DESC_STATUS) & NetworkInterface.STATUS_ERROR) != 0;
            respondTx(txIds[txClean], error ? SplitAbi.NETIF_RSP_ERROR : SplitAbi.NETIF_RSP_OKAY);
            txClean = (txClean + 1) % RING;
        }
    }

    private void respondTx(int id, int status) {
        if (!tx.stopped()) {
            tx.putResponse(id, status);
            vm.counters().add("split.net.tx.responses", 1);
        }
    }

    // --- receive ---------------------------------------------------------------------------------

    /**
     * Every frame the interface received goes to the front end, and its descriptor is offered
     * again. The interface's registers are read as a driver reads them, but not trusted beyond its
     * ring (a guest that reprograms the interface by MMIO only disturbs its own back end).
     */
    private void reapReceived() {
        int head = vm.devices().standard().nic().read(NetworkInterface.RX_HEAD);
        for (int n = 0; n < RING && rxClean != head; n++) {
            int d = SplitDrivers.NIC_RX_RING + rxClean * NetworkInterface.DESCRIPTOR_SIZE;
            int length = buffer.readWord(d + NetworkInterface.DESC_LENGTH);
            if (length >= 1 && length <= SplitDrivers.NIC_BUFFER) {
                deliver(buffer.read(SplitDrivers.NIC_RX_BUFFERS + rxClean * SplitDrivers.NIC_BUFFER, length));
            }
            rxClean = (rxClean + 1) % RING;
            int spare = SplitDrivers.NIC_RX_RING + rxTail * NetworkInterface.DESCRIPTOR_SIZE;
            buffer.writeWord(spare + NetworkInterface.DESC_LENGTH, SplitDrivers.NIC_BUFFER);
            buffer.writeWord(spare + NetworkInterface.DESC_STATUS, 0);
            rxTail = (rxTail + 1) % RING;
            register(NetworkInterface.RX_TAIL, rxTail);
        }
    }

    /** One received frame into the page of the next rx request, or dropped if none is posted. */
    private void deliver(byte[] frame) {
        int n = rx.stopped() ? 0 : rules.requestsToTake(rx);
        if (n == RingService.OVERFLOW) {
            overflow(rx);
        }
        if (n <= 0) {
            vm.counters().add("split.net.rx.dropped", 1);
            return;
        }
        int[] request = rx.takeRequest(RX_REQUEST_WORDS);
        boolean copied = grants.copyToGuest(request[1], 0, frame);
        if (copied) {
            hostSide.request(vm, frame.length);
        }
        rx.putResponse(request[0], 0, 0, copied ? frame.length : SplitAbi.NETIF_RSP_ERROR);
        vm.counters().add("split.net.rx.responses", 1);
    }

    // --- both ------------------------------------------------------------------------------------

    /** Publishes both rings' responses; one notification if either ring's rule asks for it. */
    private void publish() {
        boolean notify = push(tx) | push(rx);
        if (notify) {
            vm.counters().add("split.net.notify.out", 1);
            events.notify(port);
        }
    }

    private boolean push(SharedRing ring) {
        return !ring.stopped() && rules.pushResponses(ring);
    }

    private void overflow(SharedRing ring) {
        ring.stop();
        vm.counters().add("split.ring.overflow", 1);
        vm.mark("device", "netback: bogus ring requests, ring stopped", vm.vcpu().pc());
    }

    /** Writes a register of the interface, as the driver domain's driver does. */
    private void register(int offset, int value) {
        vm.devices().standard().nic().write(offset, value);
    }
}
