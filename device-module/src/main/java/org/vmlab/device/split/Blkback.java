package org.vmlab.device.split;

import java.util.ArrayDeque;
import java.util.Deque;
import org.vmlab.device.HostSide;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.DomainEvents;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.VirtualMachine;

/**
 * The block back end, after Xen's {@code blkback} ({@code io/blkif.h}): it takes the front end's
 * requests from the shared ring, does each on the VM's disk as the disk's own driver in domain 0
 * would (its registers; DMA into the back end's buffer; completion by the disk's interrupt, which
 * comes here), one request at a time in ring order, and grant-copies the sectors between its
 * buffer and the guest's granted frames. It answers every request it takes, a bad one with an
 * error, and notifies the front end only when the ring's rule says so.
 *
 * <p>Requests are copied out of the shared page as they are taken: the front end cannot change a
 * request under the back end. A front end that claims more requests than the ring holds is not
 * served any more ({@code split.ring.overflow}).
 */
final class Blkback {
    /** Words of a request: header of four, then four segments of two. */
    private static final int REQUEST_WORDS = 4 + 2 * SplitAbi.BLKIF_MAX_SEGMENTS;
    private static final int SECTOR = BlockDevice.SECTOR_SIZE;

    /** One request taken, checked and granted, now on the disk. */
    private record InFlight(int id, int operation, int[] grefs, int[] first, int[] count, int sectors) {
        boolean writesGuest() {
            return operation == SplitAbi.BLKIF_OP_READ;
        }
    }

    private final VirtualMachine vm;
    private final HostSide hostSide;
    private final RingService rules;
    private final GrantTable grants;
    private final PhysicalMemory buffer;
    private final Deque<int[]> taken = new ArrayDeque<>();
    private SharedRing ring;
    private DomainEvents events;
    private int port;
    private InFlight current;

    Blkback(VirtualMachine vm, HostSide hostSide, RingService rules, GrantTable grants, PhysicalMemory buffer) {
        this.vm = vm;
        this.hostSide = hostSide;
        this.rules = rules;
        this.grants = grants;
        this.buffer = buffer;
    }

    /**
     * {@code device_connect} for a vbd: maps the ring granted as {@code ringRef} and binds to the
     * guest's {@code port}.
     *
     * @return 0, or {@code -EEXIST}, {@code -EINVAL} having changed nothing
     */
    int connect(DomainEvents domain, int ringRef, int port, int ringSize) {
        if (ring != null) {
            return -Errno.EEXIST;
        }
        if (!SplitDrivers.validRingSize(ringSize, SplitAbi.BLK_MAX_RING_SIZE)) {
            return -Errno.EINVAL;
        }
        int frame = grants.frameFor(ringRef, true);
        if (frame < 0 || domain.connect(port, this::notified) != 0) {
            return -Errno.EINVAL;
        }
        this.ring = new SharedRing(vm.memory(), frame * SplitAbi.PAGE_SIZE, ringSize, SplitAbi.BLK_SLOT_SIZE);
        this.events = domain;
        this.port = port;
        return 0;
    }

    /** The disk's capacity in sectors, read from its register. */
    int sectors() {
        return vm.devices().standard().disk().in(5);
    }

    /** The front end's {@code send}: one trip to the back end, which serves the batch announced. */
    private void notified() {
        vm.counters().add("split.blk.notify.in", 1);
        hostSide.trip(vm, "blkback");
        serve();
    }

    /** The disk's interrupt: the request in flight is done. */
    void diskInterrupt() {
        BlockDevice disk = vm.devices().standard().disk();
        int status = disk.in(4);
        disk.out(4, 0);   // clear done and error, as a driver does
        if (current == null || (status & BlockDevice.STATUS_BUSY) != 0) {
            return;   // not ours
        }
        InFlight done = current;
        current = null;
        boolean ok = (status & (BlockDevice.STATUS_DONE | BlockDevice.STATUS_ERROR)) == BlockDevice.STATUS_DONE;
        if (ok && done.writesGuest()) {
            ok = copyToGuest(done);
        }
        for (int gref : done.grefs()) {
            grants.release(gref, done.writesGuest());
        }
        respond(done.id(), done.operation(), ok ? SplitAbi.BLKIF_RSP_OKAY : SplitAbi.BLKIF_RSP_ERROR);
        serve();
    }

    /** Takes what the front end produced, starts the next request if the disk is free, answers. */
    private void serve() {
        if (ring == null || ring.stopped()) {
            return;
        }
        // Xen's do_block_io_op: take everything there is, then the final check before going idle.
        do {
            int n = rules.requestsToTake(ring);
            if (n == RingService.OVERFLOW) {
                overflow();
                return;
            }
            for (int i = 0; i < n; i++) {
                taken.add(ring.takeRequest(REQUEST_WORDS));
            }
            if (n > 0) {
                vm.counters().add("split.blk.requests", n);
            }
        } while (rules.finalCheckForRequests(ring));
        while (current == null && !taken.isEmpty()) {
            start(taken.poll());
        }
        publish();
    }

    /**
     * Checks the request and puts it to the disk, or answers it with an error at once: an
     * operation other than read and write, 0 or more than 4 segments, a segment whose sectors are
     * not first..last within 0..7, sectors past the disk's end, a handle other than 0, a grant
     * refused.
     */
    private void start(int[] words) {
        int operation = words[0] & 0xFF;
        int segments = words[0] >>> 8 & 0xFF;
        int handle = words[0] >>> 16;
        int id = words[1];
        long sector = Integer.toUnsignedLong(words[2]);
        if (operation != SplitAbi.BLKIF_OP_READ && operation != SplitAbi.BLKIF_OP_WRITE) {
            respond(id, operation, SplitAbi.BLKIF_RSP_EOPNOTSUPP);
            return;
        }
        if (segments < 1 || segments > SplitAbi.BLKIF_MAX_SEGMENTS || handle != 0) {
            respond(id, operation, SplitAbi.BLKIF_RSP_ERROR);
            return;
        }
        int[] grefs = new int[segments];
        int[] first = new int[segments];
        int[] count = new int[segments];
        int sectors = 0;
        for (int s = 0; s < segments; s++) {
            grefs[s] = words[4 + 2 * s];
            int sects = words[5 + 2 * s];
            first[s] = sects & 0xFF;
            int last = sects >>> 8 & 0xFF;
            if (first[s] > last || last >= SplitAbi.SECTORS_PER_PAGE) {
                respond(id, operation, SplitAbi.BLKIF_RSP_ERROR);
                return;
            }
            count[s] = last - first[s] + 1;
            sectors += count[s];
        }
        if (sector + sectors > sectors()) {
            respond(id, operation, SplitAbi.BLKIF_RSP_ERROR);
            return;
        }
        InFlight request = new InFlight(id, operation, grefs, first, count, sectors);
        boolean writesGuest = request.writesGuest();
        for (int gref : grefs) {
            if (grants.frameFor(gref, writesGuest) < 0) {
                respond(id, operation, SplitAbi.BLKIF_RSP_ERROR);
                return;
            }
        }
        if (!writesGuest && !copyFromGuest(request)) {
            respond(id, operation, SplitAbi.BLKIF_RSP_ERROR);
            return;
        }
        for (int gref : grefs) {
            grants.hold(gref, writesGuest);
        }
        current = request;
        hostSide.request(vm, sectors * SECTOR);
        BlockDevice disk = vm.devices().standard().disk();   // its registers, as the driver domain's driver
        disk.out(0, (int) sector);
        disk.out(1, sectors);
        disk.out(2, SplitDrivers.DISK_BUFFER);
        disk.out(3, writesGuest ? BlockDevice.COMMAND_READ : BlockDevice.COMMAND_WRITE);
    }

    /** A write's data, from the guest's segments into the back end's buffer, in disk order. */
    private boolean copyFromGuest(InFlight request) {
        int at = SplitDrivers.DISK_BUFFER;
        for (int s = 0; s < request.grefs().length; s++) {
            byte[] data = grants.copyFromGuest(request.grefs()[s], request.first()[s] * SECTOR, request.count()[s] * SECTOR);
            if (data == null) {
                return false;
            }
            buffer.write(at, data);
            at += data.length;
        }
        return true;
    }

    /** A read's data, from the back end's buffer into the guest's segments; each grant checked again now. */
    private boolean copyToGuest(InFlight request) {
        int at = SplitDrivers.DISK_BUFFER;
        boolean ok = true;
        for (int s = 0; s < request.grefs().length; s++) {
            int length = request.count()[s] * SECTOR;
            ok &= grants.copyToGuest(request.grefs()[s], request.first()[s] * SECTOR, buffer.read(at, length));
            at += length;
        }
        return ok;
    }

    private void respond(int id, int operation, int status) {
        if (ring.stopped()) {
            return;
        }
        ring.putResponse(id, operation, status);
        vm.counters().add("split.blk.responses", 1);
    }

    /** Publishes the responses written, and notifies the front end if the ring's rule says so. */
    private void publish() {
        if (!ring.stopped() && rules.pushResponses(ring)) {
            vm.counters().add("split.blk.notify.out", 1);
            events.notify(port);
        }
    }

    private void overflow() {
        ring.stop();
        taken.clear();
        vm.counters().add("split.ring.overflow", 1);
        vm.mark("device", "blkback: bogus ring requests, ring stopped", vm.vcpu().pc());
    }
}
