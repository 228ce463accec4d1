package org.vmlab.machine.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.vmlab.machine.Clock;
import org.vmlab.machine.DeviceEvent;

/**
 * The disk: 512-byte sectors moved to and from memory by DMA, one request at a time, after an
 * ATA-like controller with bus-mastering DMA.
 *
 * <p>The driver writes the first sector, the sector count and the buffer's physical address, then
 * a command (1 read, 2 write). The command latches those three registers and the request takes
 * {@code 1000 + 100 * count} ticks; only then does the data move, the status turn to done (or
 * error) and line 2 rise. The latency is what makes the disk worth an interrupt: the CPU can run
 * something else meanwhile.
 *
 * <p>Ports (offsets from 0x1F0): +0 sector, +1 count, +2 DMA address (read/write); +3 command
 * (write); +4 status (read: bit 0 busy, bit 1 error, bit 2 done; write: clear done and error);
 * +5 capacity in sectors (read).
 *
 * <p>Errors: a command while busy, or one other than 1 and 2, is refused at once: it sets the error
 * bit and nothing else happens (the request in flight goes on undisturbed). An accepted request
 * that asks for no sectors or for sectors past the end, or whose buffer is outside RAM, completes
 * after its latency with the error bit instead of done, and moves nothing.
 */
public final class BlockDevice implements PortDevice {
    public static final int BASE = 0x1F0;
    public static final int PORTS = 6;
    public static final int LINE = 2;
    public static final int SECTOR_SIZE = 512;
    /** The most sectors a disk can have: its contents must fit one Java array. */
    public static final int MAX_SECTORS = Integer.MAX_VALUE / SECTOR_SIZE;

    public static final int COMMAND_READ = 1;
    public static final int COMMAND_WRITE = 2;
    public static final int STATUS_BUSY = 1;
    public static final int STATUS_ERROR = 1 << 1;
    public static final int STATUS_DONE = 1 << 2;

    /** Ticks every request takes, whatever its size. */
    public static final long BASE_LATENCY = 1000;
    /** Ticks each sector adds. */
    public static final long LATENCY_PER_SECTOR = 100;

    private static final int SECTOR_PORT = 0;
    private static final int COUNT_PORT = 1;
    private static final int ADDRESS_PORT = 2;
    private static final int COMMAND_PORT = 3;
    private static final int STATUS_PORT = 4;
    private static final int CAPACITY_PORT = 5;

    /**
     * The disk's one event: a request, as its command latched it, completes (the registers may
     * change while it is in flight).
     */
    public record Request(DiskRequest.Op op, long sector, long count, int address) implements DeviceEvent {
    }

    private final Clock clock;
    private final String clockName;
    private final InterruptSink pic;
    private final DmaSpace dma;
    private final byte[] contents;
    private final List<DiskRequest> requests = new ArrayList<>();

    private int sectorRegister;
    private int countRegister;
    private int addressRegister;
    private int status;

    /** A zero-filled disk of {@code sectors} sectors. */
    public BlockDevice(Clock clock, InterruptSink pic, DmaSpace dma, int sectors) {
        this(clock, pic, dma, sectors, new byte[0]);
    }

    /**
     * A disk of {@code sectors} sectors whose first bytes are {@code image} (the rest zero).
     *
     * @throws IllegalArgumentException if {@code sectors} is not 1..{@link #MAX_SECTORS} or the
     *                                  image does not fit
     */
    public BlockDevice(Clock clock, InterruptSink pic, DmaSpace dma, int sectors,
            byte[] image) {
        if (sectors < 1 || sectors > MAX_SECTORS) {
            throw new IllegalArgumentException(
                    "disk size must be 1.." + MAX_SECTORS + " sectors, was " + sectors);
        }
        if (image.length > sectors * SECTOR_SIZE) {
            throw new IllegalArgumentException(String.format(
                    "disk image of %d bytes does not fit %d sectors of %d bytes",
                    image.length, sectors, SECTOR_SIZE));
        }
        this.clock = clock;
        this.pic = pic;
        this.dma = dma;
        this.contents = Arrays.copyOf(image, sectors * SECTOR_SIZE);
        this.clockName = clock.attach("disk", event -> complete((Request) event.what(), event.tick()));
    }

    @Override
    public String name() {
        return "disk";
    }

    /** The number of sectors. */
    public int capacity() {
        return contents.length / SECTOR_SIZE;
    }

    /** The status register: {@link #STATUS_BUSY}, {@link #STATUS_ERROR}, {@link #STATUS_DONE}. */
    public int status() {
        return status;
    }

    /** A copy of the whole disk. */
    public byte[] contents() {
        return contents.clone();
    }

    /** SHA-256 of the whole disk, in hex: two runs that leave the same disk agree on it. */
    public String digest() {
        return Sha256.hex(contents);
    }

    /** Every completed request, in order of completion. */
    public List<DiskRequest> requests() {
        return Collections.unmodifiableList(requests);
    }

    /** The disk's state as a value: registers, contents and completed requests. */
    public State state() {
        return new State(sectorRegister, countRegister, addressRegister, status, contents, requests);
    }

    /**
     * Puts the disk back to {@code state}, on a clock already restored: the request pending
     * there, if the disk is busy, is the one in flight. Its line is the interrupt controller's to
     * restore.
     *
     * @throws IllegalArgumentException if the state is of a disk of another size, or the clock's
     *                                  pending requests do not fit it
     */
    public void restore(State state) {
        check(state, clock.state());
        sectorRegister = state.sector();
        countRegister = state.count();
        addressRegister = state.address();
        status = state.status();
        state.copyContentsTo(contents);
        requests.clear();
        requests.addAll(state.requests());
    }

    /**
     * Checks that this disk can take {@code state}, with {@code clock} pending: the same size, and
     * one request in flight while busy, none otherwise.
     */
    void check(State state, Clock.State clock) {
        if (state.size() != contents.length) {
            throw new IllegalArgumentException(String.format("the disk's state is of %d sectors,"
                    + " this disk has %d", state.size() / SECTOR_SIZE, capacity()));
        }
        List<Clock.Event> mine = clock.pendingFor(clockName);
        for (Clock.Event e : mine) {
            if (!(e.what() instanceof Request)) {
                throw new IllegalArgumentException("not a disk event: " + e);
            }
        }
        int expected = (state.status() & STATUS_BUSY) != 0 ? 1 : 0;
        if (mine.size() != expected) {
            throw new IllegalArgumentException(String.format("a disk with status 0x%x has %d"
                    + " request in flight, but the clock holds %d", state.status(), expected, mine.size()));
        }
    }

    /**
     * The disk's state. The request in flight, if any, is not here but on the clock, with every
     * other pending event, as a {@link Request} of the disk's. The contents are copied in and
     * out, and compared by content.
     *
     * @param sector   the sector register
     * @param count    the count register
     * @param address  the DMA address register
     * @param status   the status register ({@link #STATUS_BUSY} while a request is in flight)
     * @param contents the whole disk
     * @param requests every completed request, in order of completion
     */
    public record State(int sector, int count, int address, int status, byte[] contents,
            List<DiskRequest> requests) {
        public State {
            if (contents.length == 0 || contents.length % SECTOR_SIZE != 0) {
                throw new IllegalArgumentException("a disk's contents are whole sectors, at least"
                        + " one; was " + contents.length + " bytes");
            }
            if ((status & ~(STATUS_BUSY | STATUS_ERROR | STATUS_DONE)) != 0) {
                throw new IllegalArgumentException(String.format("no such disk status: 0x%x", status));
            }
            contents = contents.clone();
            requests = List.copyOf(requests);
        }

        /** A copy of the whole disk. */
        @Override
        public byte[] contents() {
            return contents.clone();
        }

        /** The disk's size in bytes. */
        public int size() {
            return contents.length;
        }

        /** SHA-256 of the disk's contents, in hex, as {@link BlockDevice#digest()} gives it. */
        public String digest() {
            return Sha256.hex(contents);
        }

        private void copyContentsTo(byte[] disk) {
            System.arraycopy(contents, 0, disk, 0, contents.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && sector == s.sector && count == s.count
                    && address == s.address && status == s.status
                    && Arrays.equals(contents, s.contents) && requests.equals(s.requests);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sector, count, address, status, Arrays.hashCode(contents), requests);
        }

        @Override
        public String toString() {
            return String.format("BlockDevice.State[sector=%d, count=%d, address=0x%x, status=0x%x,"
                    + " %d sectors sha256=%s, requests=%s]", sector, count, address, status,
                    contents.length / SECTOR_SIZE, digest(), requests);
        }
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case SECTOR_PORT -> sectorRegister;
            case COUNT_PORT -> countRegister;
            case ADDRESS_PORT -> addressRegister;
            case STATUS_PORT -> status;
            case CAPACITY_PORT -> capacity();
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        switch (offset) {
            case SECTOR_PORT -> sectorRegister = value;
            case COUNT_PORT -> countRegister = value;
            case ADDRESS_PORT -> addressRegister = value;
            case COMMAND_PORT -> command(value);
            case STATUS_PORT -> status &= ~(STATUS_DONE | STATUS_ERROR);
            default -> { }
        }
    }

    private void command(int value) {
        DiskRequest.Op op = switch (value) {
            case COMMAND_READ -> DiskRequest.Op.READ;
            case COMMAND_WRITE -> DiskRequest.Op.WRITE;
            default -> null;
        };
        if (op == null || (status & STATUS_BUSY) != 0) {
            status |= STATUS_ERROR;   // refused: the driver broke the protocol
            return;
        }
        Request request = new Request(op, Integer.toUnsignedLong(sectorRegister),
                Integer.toUnsignedLong(countRegister), addressRegister);
        status = STATUS_BUSY;
        long due = clock.now() + BASE_LATENCY + LATENCY_PER_SECTOR * request.count();
        clock.schedule(due, clockName, request);
    }

    private void complete(Request request, long tick) {
        byte[] moved = transfer(request);
        boolean ok = moved != null;
        // Busy ends; an error bit set by a command refused meanwhile stays for the driver to see.
        status = (status & STATUS_ERROR) | (ok ? STATUS_DONE : STATUS_ERROR);
        requests.add(new DiskRequest(tick, request.op(), request.sector(), request.count(),
                Sha256.hex(ok ? moved : new byte[0]), ok));
        pic.request(LINE);
    }

    /** Moves the request's data; returns the bytes moved, or null if the request fails. */
    private byte[] transfer(Request request) {
        if (request.count() == 0 || request.sector() + request.count() > capacity()) {
            return null;
        }
        int offset = (int) request.sector() * SECTOR_SIZE;
        int length = (int) request.count() * SECTOR_SIZE;
        try {
            if (request.op() == DiskRequest.Op.READ) {
                byte[] data = Arrays.copyOfRange(contents, offset, offset + length);
                dma.write(request.address(), data);
                return data;
            }
            byte[] data = dma.read(request.address(), length);
            System.arraycopy(data, 0, contents, offset, length);
            return data;
        } catch (DmaFault fault) {
            return null;
        }
    }
}
