package org.vmlab.machine.device;

import org.vmlab.machine.isa.Vector;

/**
 * The interrupt controller, after the Intel 8259A: eight request lines, a mask, and fully nested
 * priority (line 0 highest). A device {@linkplain #request(int) requests} a line; when the CPU
 * accepts the interrupt the line moves from pending to in service, and the handler's end of
 * interrupt ({@code out 0x20, 0x20}) retires it. While a line is in service only lines of higher
 * priority interrupt.
 *
 * <p>Ports (offsets from 0x20): +0 write 0x20 = end of interrupt, read = pending lines;
 * +1 read/write = mask (bit set: line masked); +2 read = lines in service.
 */
public final class InterruptController implements PortDevice, InterruptSink {
    public static final int LINES = 8;
    /** The value written to the command port to end the current interrupt. */
    public static final int EOI = 0x20;

    private int pending;
    private int mask;
    private int inService;

    @Override
    public String name() {
        return "pic";
    }

    /**
     * A device asks for attention on {@code line}. Requests on a pending line merge; a request on
     * a masked line stays pending until the line is unmasked.
     */
    @Override
    public void request(int line) {
        checkLine(line);
        pending |= 1 << line;
    }

    /**
     * A level-triggered device lowers its line before the CPU accepted the request (the console
     * ran out of input, the network driver read its interrupt causes): the pending request goes
     * away, so the CPU is not interrupted for a condition that no longer holds. A line already in
     * service is not affected.
     */
    @Override
    public void withdraw(int line) {
        checkLine(line);
        pending &= ~(1 << line);
    }

    /** True if a request could interrupt the CPU now (if its IF allows). */
    public boolean hasDeliverable() {
        return deliverableLine() >= 0;
    }

    /**
     * The CPU accepts the highest-priority deliverable request: the line goes in service and its
     * vector is returned, or -1 if there is none.
     */
    public int acknowledge() {
        int line = deliverableLine();
        if (line < 0) {
            return -1;
        }
        pending &= ~(1 << line);
        inService |= 1 << line;
        return Vector.IRQ_BASE + line;
    }

    /** Ends the highest-priority interrupt in service. */
    public void endOfInterrupt() {
        inService &= inService - 1;   // clear the lowest set bit: the highest priority
    }

    public int pending() {
        return pending;
    }

    public int mask() {
        return mask;
    }

    public int inService() {
        return inService;
    }

    /** The controller's state as a value. */
    public State state() {
        return new State(pending, mask, inService);
    }

    /** Puts the controller back to {@code state}: its lines' requests, mask and service. */
    public void restore(State state) {
        pending = state.pending();
        mask = state.mask();
        inService = state.inService();
    }

    /**
     * The interrupt controller's state: three sets of lines, bit n for line n.
     *
     * @param pending   lines requested and not yet accepted by the CPU
     * @param mask      lines masked
     * @param inService lines accepted and not yet ended
     */
    public record State(int pending, int mask, int inService) {
        public State {
            checkLines("pending", pending);
            checkLines("mask", mask);
            checkLines("inService", inService);
        }

        private static void checkLines(String what, int lines) {
            if ((lines & ~0xFF) != 0) {
                throw new IllegalArgumentException(String.format(
                        "%s names lines beyond the %d there are: 0x%x", what, LINES, lines));
            }
        }
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case 0 -> pending;
            case 1 -> mask;
            case 2 -> inService;
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        switch (offset) {
            case 0 -> {
                if (value == EOI) {
                    endOfInterrupt();
                }
            }
            case 1 -> mask = value & 0xFF;
            default -> { }
        }
    }

    private static void checkLine(int line) {
        if (line < 0 || line >= LINES) {
            throw new IllegalArgumentException("no interrupt line " + line);
        }
    }

    private int deliverableLine() {
        int candidates = pending & ~mask & 0xFF;
        if (candidates == 0) {
            return -1;
        }
        int line = Integer.numberOfTrailingZeros(candidates);
        int serving = inService == 0 ? LINES : Integer.numberOfTrailingZeros(inService);
        return line < serving ? line : -1;
    }
}
