package org.vmlab.machine.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.vmlab.machine.Clock;
import org.vmlab.machine.DeviceEvent;

/**
 * The network interface, after the Intel 8254x (e1000): the driver and the device share two rings
 * of descriptors in guest memory, and each moves its own index. The driver advances a ring's tail
 * to hand descriptors over; the device advances its head as it uses them. Between head and tail
 * the descriptors are the device's; the rest are the driver's. The same producer-consumer ring
 * reappears in the split-driver lab between a guest and its back-end.
 *
 * <p>Registers (offsets from 0xF000_0000): see the constants below and {@code docs/devices.md}.
 * A descriptor is 16 bytes: +0 buffer address, +4 length, +8 status (bit 0 done, bit 1 error),
 * +12 reserved.
 *
 * <p>Transmit: writing TX_TAIL starts the transmitter, which sends one descriptor every
 * {@link #TICKS_PER_FRAME} ticks from TX_HEAD until it reaches TX_TAIL. Each frame goes on the wire
 * when its time is up: its bytes are read by DMA then, its status is written (done), TX_HEAD
 * advances and the transmit-done cause is set. A descriptor whose length is not 1..1514 or whose
 * buffer is outside RAM is not sent: its status says done and error.
 *
 * <p>Receive: a frame from the {@link NetworkPeer} fills the descriptor at RX_HEAD if the driver
 * offered it (RX_HEAD != RX_TAIL), it fits the buffer, and the buffer is in RAM; its length and
 * status (done) are written, RX_HEAD advances and the frame-received cause is set. Otherwise the
 * frame is dropped and counted, and the descriptor is left as it was.
 *
 * <p>Interrupt: line 3 is up while a cause is both set in ICR and enabled in IMS; reading ICR
 * clears the causes and lowers the line.
 */
public final class NetworkInterface implements MmioDevice {
    public static final int BASE = 0xF000_0000;
    public static final int WINDOW = 4096;
    public static final int LINE = 3;

    public static final int TX_BASE = 0x00;
    public static final int TX_SIZE = 0x04;
    public static final int TX_HEAD = 0x08;
    public static final int TX_TAIL = 0x0C;
    public static final int RX_BASE = 0x10;
    public static final int RX_SIZE = 0x14;
    public static final int RX_HEAD = 0x18;
    public static final int RX_TAIL = 0x1C;
    public static final int ICR = 0x20;
    public static final int IMS = 0x24;

    /** Interrupt cause: transmit descriptors are done. */
    public static final int CAUSE_TX_DONE = 1;
    /** Interrupt cause: a frame was received. */
    public static final int CAUSE_RX = 1 << 1;

    public static final int DESCRIPTOR_SIZE = 16;
    public static final int DESC_ADDRESS = 0;
    public static final int DESC_LENGTH = 4;
    public static final int DESC_STATUS = 8;
    public static final int STATUS_DONE = 1;
    public static final int STATUS_ERROR = 1 << 1;

    public static final int MAX_RING_SIZE = 256;
    public static final int MIN_FRAME = 1;
    public static final int MAX_FRAME = 1514;
    /** Ticks the transmitter spends on each descriptor. */
    public static final long TICKS_PER_FRAME = 500;

    /**
     * One descriptor ring's registers. Head == tail means the device owns no descriptor: nothing
     * to send, or no buffer to receive into (so a ring of n descriptors lends at most n - 1).
     */
    private static final class Ring {
        int base;
        int size;
        int head;
        int tail;

        /** A new base or size sets up a new ring: both indices start over at 0. */
        void reset() {
            head = 0;
            tail = 0;
        }

        boolean setSize(int value) {
            if (value < 1 || value > MAX_RING_SIZE) {
                return false;
            }
            size = value;
            reset();
            return true;
        }

        /** A tail outside the ring is ignored, which also ignores tails before the ring is set up. */
        void setTail(int value) {
            if (value >= 0 && value < size) {
                tail = value;
            }
        }

        boolean deviceOwnsNone() {
            return head == tail;
        }

        int headDescriptor() {
            return base + head * DESCRIPTOR_SIZE;
        }

        void advanceHead() {
            head = (head + 1) % size;
        }

        RingRegisters registers() {
            return new RingRegisters(base, size, head, tail);
        }

        void restore(RingRegisters registers) {
            base = registers.base();
            size = registers.size();
            head = registers.head();
            tail = registers.tail();
        }
    }

    private final Clock clock;
    private final String clockName;
    private final InterruptSink pic;
    private final DmaSpace dma;
    private final NetworkPeer peer;
    private final Ring tx = new Ring();
    private final Ring rx = new Ring();
    private final List<Frame> frames = new ArrayList<>();
    private int causes;
    private int enabledCauses;
    private Clock.Event transmission;
    private long droppedFrames;
    private long transmitErrors;

    public NetworkInterface(Clock clock, InterruptSink pic, DmaSpace dma, NetworkPeer peer) {
        this.clock = clock;
        this.pic = pic;
        this.dma = dma;
        this.peer = peer;
        this.clockName = clock.attach("nic", this::fire);
    }

    /** The transmitter is done with the frame at the head of the transmit ring. */
    public record Transmission() implements DeviceEvent {
    }

    /** A frame from the peer reaches the NIC. */
    public record Arrival(byte[] bytes) implements DeviceEvent {
        public Arrival {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Arrival a && Arrays.equals(bytes, a.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Arrival[" + bytes.length + " bytes]";
        }
    }

    private void fire(Clock.Event event) {
        if (event.what() instanceof Arrival arrival) {
            receive(event.tick(), arrival.bytes());
        } else {
            transmit(event.tick());
        }
    }

    @Override
    public String name() {
        return "nic";
    }

    /** Every frame that was sent or received, in order. */
    public List<Frame> frames() {
        return Collections.unmodifiableList(frames);
    }

    /** Frames that arrived but found no usable receive buffer. */
    public long droppedFrames() {
        return droppedFrames;
    }

    /** Transmit descriptors that could not be sent (bad length, buffer outside RAM). */
    public long transmitErrors() {
        return transmitErrors;
    }

    /** The interface's state as a value: registers, recorded frames and counters. */
    public State state() {
        return new State(tx.registers(), rx.registers(), causes, enabledCauses, frames,
                droppedFrames, transmitErrors);
    }

    /**
     * Puts the interface back to {@code state}, on a clock already restored: the transmission
     * pending there, if any, is the transmitter's work in progress; the frames arriving there
     * arrive as they would have. Its line is the interrupt controller's to restore.
     *
     * @throws IllegalArgumentException if the clock's pending events for the interface do not
     *                                  fit it
     */
    public void restore(State state) {
        List<Clock.Event> transmissions = check(clock.state());
        tx.restore(state.tx());
        rx.restore(state.rx());
        causes = state.causes();
        enabledCauses = state.enabledCauses();
        frames.clear();
        frames.addAll(state.frames());
        droppedFrames = state.droppedFrames();
        transmitErrors = state.transmitErrors();
        transmission = transmissions.isEmpty() ? null : transmissions.get(0);
    }

    /**
     * Checks that the events {@code clock} holds for this interface are its own: at most one
     * transmission (the transmitter sends one descriptor at a time), and any number of arrivals.
     * Returns the transmission, if any.
     */
    List<Clock.Event> check(Clock.State clock) {
        List<Clock.Event> transmissions = new ArrayList<>();
        for (Clock.Event e : clock.pendingFor(clockName)) {
            if (e.what() instanceof Transmission) {
                transmissions.add(e);
            } else if (!(e.what() instanceof Arrival)) {
                throw new IllegalArgumentException("not a network interface event: " + e);
            }
        }
        if (transmissions.size() > 1) {
            throw new IllegalArgumentException("the transmitter sends one descriptor at a time,"
                    + " but the clock holds " + transmissions.size() + " transmissions");
        }
        return transmissions;
    }

    /**
     * A descriptor ring's registers. A ring never set up has size 0 and both indices 0.
     *
     * @param base the ring's physical address
     * @param size its number of descriptors, 1..{@link #MAX_RING_SIZE} (0 before it is set up)
     * @param head the next descriptor the device uses
     * @param tail one past the last descriptor the driver handed over
     */
    public record RingRegisters(int base, int size, int head, int tail) {
        public RingRegisters {
            if (size < 0 || size > MAX_RING_SIZE) {
                throw new IllegalArgumentException("a ring has 0.." + MAX_RING_SIZE
                        + " descriptors, was " + size);
            }
            int limit = Math.max(size, 1);
            if (head < 0 || head >= limit || tail < 0 || tail >= limit) {
                throw new IllegalArgumentException(String.format(
                        "head %d and tail %d must lie in a ring of %d", head, tail, size));
            }
        }
    }

    /**
     * The interface's state. The transmitter's work in progress and the frames on their way from
     * the peer are not here but on the clock, with every other pending event, as the interface's
     * {@link Transmission} (at most one) and {@link Arrival}s.
     *
     * @param tx             the transmit ring's registers
     * @param rx             the receive ring's registers
     * @param causes         the interrupt causes set (ICR)
     * @param enabledCauses  the causes enabled (IMS)
     * @param frames         every frame sent and received, in order
     * @param droppedFrames  frames that arrived but found no usable receive buffer
     * @param transmitErrors transmit descriptors that could not be sent
     */
    public record State(RingRegisters tx, RingRegisters rx, int causes, int enabledCauses,
            List<Frame> frames, long droppedFrames, long transmitErrors) {
        public State {
            Objects.requireNonNull(tx, "tx");
            Objects.requireNonNull(rx, "rx");
            int all = CAUSE_TX_DONE | CAUSE_RX;
            if ((causes & ~all) != 0 || (enabledCauses & ~all) != 0) {
                throw new IllegalArgumentException(String.format(
                        "no such interrupt cause: ICR 0x%x, IMS 0x%x", causes, enabledCauses));
            }
            frames = List.copyOf(frames);
            if (droppedFrames < 0 || transmitErrors < 0) {
                throw new IllegalArgumentException("counters must be >= 0");
            }
        }
    }

    @Override
    public int read(int offset) {
        return switch (offset) {
            case TX_BASE -> tx.base;
            case TX_SIZE -> tx.size;
            case TX_HEAD -> tx.head;
            case TX_TAIL -> tx.tail;
            case RX_BASE -> rx.base;
            case RX_SIZE -> rx.size;
            case RX_HEAD -> rx.head;
            case RX_TAIL -> rx.tail;
            case ICR -> readAndClearCauses();
            case IMS -> enabledCauses;
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void write(int offset, int value) {
        switch (offset) {
            case TX_BASE -> {
                tx.base = value;
                tx.reset();
                stopTransmitter();
            }
            case TX_SIZE -> {
                if (tx.setSize(value)) {
                    stopTransmitter();
                }
            }
            case TX_TAIL -> {
                tx.setTail(value);
                startTransmitter();
            }
            case RX_BASE -> {
                rx.base = value;
                rx.reset();
            }
            case RX_SIZE -> rx.setSize(value);
            case RX_TAIL -> rx.setTail(value);
            case IMS -> {
                enabledCauses = value & (CAUSE_TX_DONE | CAUSE_RX);
                updateLine();
            }
            default -> { }   // TX_HEAD and RX_HEAD are the device's; ICR is cleared by reading
        }
    }

    // --- transmit --------------------------------------------------------------------------

    private void startTransmitter() {
        if (transmission == null && !tx.deviceOwnsNone()) {
            scheduleTransmit(clock.now() + TICKS_PER_FRAME);
        }
    }

    private void stopTransmitter() {
        if (transmission != null) {
            clock.cancel(transmission);
            transmission = null;
        }
    }

    private void scheduleTransmit(long due) {
        transmission = clock.schedule(due, clockName, new Transmission());
    }

    private void transmit(long tick) {
        transmission = null;
        int descriptor = tx.headDescriptor();
        try {
            int buffer = dma.readWord(descriptor + DESC_ADDRESS);
            int length = dma.readWord(descriptor + DESC_LENGTH);
            byte[] bytes = length >= MIN_FRAME && length <= MAX_FRAME
                    ? readOrNull(buffer, length) : null;
            if (bytes == null) {
                transmitErrors++;
                dma.writeWord(descriptor + DESC_STATUS, STATUS_DONE | STATUS_ERROR);
            } else {
                dma.writeWord(descriptor + DESC_STATUS, STATUS_DONE);
                send(tick, bytes);
            }
        } catch (DmaFault fault) {
            transmitErrors++;   // the descriptor itself is outside RAM: nowhere to report it
        }
        tx.advanceHead();
        raise(CAUSE_TX_DONE);
        if (!tx.deviceOwnsNone()) {
            scheduleTransmit(tick + TICKS_PER_FRAME);
        }
    }

    private byte[] readOrNull(int buffer, int length) {
        try {
            return dma.read(buffer, length);
        } catch (DmaFault fault) {
            return null;
        }
    }

    /** The frame is on the wire: record it and schedule the peer's answers. */
    private void send(long tick, byte[] bytes) {
        frames.add(new Frame(tick, Frame.Direction.SENT, bytes));
        for (NetworkPeer.Reply reply : peer.answer(bytes.clone())) {
            long due = tick + reply.delay();
            byte[] answer = reply.bytes();
            clock.schedule(due, clockName, new Arrival(answer));
        }
    }

    // --- receive ---------------------------------------------------------------------------

    private void receive(long tick, byte[] bytes) {
        if (rx.deviceOwnsNone()) {
            droppedFrames++;   // the driver offered no buffer: the ring is full
            return;
        }
        int descriptor = rx.headDescriptor();
        try {
            int buffer = dma.readWord(descriptor + DESC_ADDRESS);
            long capacity = Integer.toUnsignedLong(dma.readWord(descriptor + DESC_LENGTH));
            if (bytes.length > capacity) {
                droppedFrames++;
                return;
            }
            dma.write(buffer, bytes);
            dma.writeWord(descriptor + DESC_LENGTH, bytes.length);
            dma.writeWord(descriptor + DESC_STATUS, STATUS_DONE);
        } catch (DmaFault fault) {
            droppedFrames++;
            return;
        }
        rx.advanceHead();
        frames.add(new Frame(tick, Frame.Direction.RECEIVED, bytes));
        raise(CAUSE_RX);
    }

    // --- interrupt -------------------------------------------------------------------------

    private void raise(int cause) {
        causes |= cause;
        updateLine();
    }

    private int readAndClearCauses() {
        int value = causes;
        causes = 0;
        updateLine();
        return value;
    }

    private void updateLine() {
        if ((causes & enabledCauses) != 0) {
            pic.request(LINE);
        } else {
            pic.withdraw(LINE);
        }
    }
}
