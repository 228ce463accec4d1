package org.vmlab.machine.device;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The serial console (after the PC's 16550 UART, reduced to a data port and a status port). What
 * the guest writes is the run's console output; what it reads is a string given before the run.
 *
 * <p>Ports (offsets from 0x3F8): +0 read the next input byte, or {@link #NO_INPUT} if there is
 * none; write one byte of output (the low 8 bits). +1 read the status (bit 0: input available);
 * write bit 0 to have line 1 raised while input is available.
 *
 * <p>Output is kept up to a cap (by default {@link #DEFAULT_OUTPUT_CAP} bytes); bytes beyond it are
 * counted and dropped, so a guest that prints in a loop cannot exhaust the host's memory. Text is
 * UTF-8 both ways.
 *
 * <p>The interrupt is level-triggered: the line is up exactly while input is enabled and
 * available. When the guest reads the last byte, the line drops and a request the CPU has not
 * yet taken is withdrawn; while bytes remain, every read raises the line again, so a handler that
 * reads one byte per interrupt is interrupted again after its end of interrupt.
 */
public final class Console implements PortDevice {
    public static final int BASE = 0x3F8;
    public static final int PORTS = 2;
    public static final int LINE = 1;
    /** What a read of the data port returns when there is no input left. */
    public static final int NO_INPUT = 0xFFFF_FFFF;
    /** The default limit of kept output: 1 MiB. */
    public static final int DEFAULT_OUTPUT_CAP = 1 << 20;
    /** Status bit: an input byte is available. */
    public static final int STATUS_INPUT_AVAILABLE = 1;
    /** Control bit: raise line 1 while input is available. */
    public static final int CONTROL_INPUT_INTERRUPT = 1;

    private static final int DATA_PORT = 0;
    private static final int STATUS_PORT = 1;

    private final InterruptController pic;
    private byte[] input;
    private int inputPosition;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final int outputCap;
    private long droppedBytes;
    private boolean inputInterruptEnabled;

    /** A console with the default output cap. */
    public Console(InterruptController pic, String input) {
        this(pic, input, DEFAULT_OUTPUT_CAP);
    }

    /** A console whose guest will read {@code input} and whose output keeps {@code outputCap} bytes. */
    public Console(InterruptController pic, String input, int outputCap) {
        if (outputCap < 0) {
            throw new IllegalArgumentException("console output cap must be >= 0, was " + outputCap);
        }
        this.pic = pic;
        this.input = input.getBytes(StandardCharsets.UTF_8);
        this.outputCap = outputCap;
    }

    @Override
    public String name() {
        return "console";
    }

    /** The output kept so far, decoded as UTF-8. */
    public String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** The output kept so far, as the guest wrote it. */
    public byte[] outputBytes() {
        return output.toByteArray();
    }

    /** The number of output bytes dropped because the cap was reached. */
    public long droppedBytes() {
        return droppedBytes;
    }

    /** The number of input bytes the guest has not read yet. */
    public int remainingInput() {
        return input.length - inputPosition;
    }

    /** The console's state as a value. */
    public State state() {
        return new State(Arrays.copyOfRange(input, inputPosition, input.length),
                inputInterruptEnabled, output.toByteArray(), droppedBytes);
    }

    /**
     * Puts the console back to {@code state}. Its line is the interrupt controller's to restore:
     * nothing is requested or withdrawn here.
     *
     * @throws IllegalArgumentException if the output kept is more than this console's cap
     */
    public void restore(State state) {
        check(state);
        input = state.unreadInput();
        inputPosition = 0;
        inputInterruptEnabled = state.inputInterruptEnabled();
        output.reset();
        output.writeBytes(state.output());
        droppedBytes = state.droppedBytes();
    }

    /** Checks that this console can take {@code state}: its output fits the cap. */
    void check(State state) {
        if (state.outputLength() > outputCap) {
            throw new IllegalArgumentException(String.format("the console's state keeps %d bytes"
                    + " of output, more than this console's cap of %d", state.outputLength(), outputCap));
        }
    }

    /**
     * The console's state, as a UART's snapshot holds it. The byte arrays are copied in and out,
     * and compared by content.
     *
     * @param unreadInput           the input bytes the guest has not read yet
     * @param inputInterruptEnabled whether line 1 is raised while input is available
     * @param output                the output kept so far
     * @param droppedBytes          the output bytes dropped past the cap
     */
    public record State(byte[] unreadInput, boolean inputInterruptEnabled, byte[] output,
            long droppedBytes) {
        public State {
            unreadInput = unreadInput.clone();
            output = output.clone();
            if (droppedBytes < 0) {
                throw new IllegalArgumentException("dropped bytes must be >= 0, was " + droppedBytes);
            }
        }

        @Override
        public byte[] unreadInput() {
            return unreadInput.clone();
        }

        @Override
        public byte[] output() {
            return output.clone();
        }

        /** The number of output bytes kept. */
        public int outputLength() {
            return output.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && Arrays.equals(unreadInput, s.unreadInput)
                    && inputInterruptEnabled == s.inputInterruptEnabled
                    && Arrays.equals(output, s.output) && droppedBytes == s.droppedBytes;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(unreadInput), inputInterruptEnabled,
                    Arrays.hashCode(output), droppedBytes);
        }

        @Override
        public String toString() {
            String text = new String(output, StandardCharsets.UTF_8);
            return "Console.State[" + unreadInput.length + " bytes unread, input interrupt "
                    + (inputInterruptEnabled ? "on" : "off") + ", output " + output.length
                    + " bytes (" + droppedBytes + " dropped): \""
                    + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"]";
        }
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case DATA_PORT -> readInput();
            case STATUS_PORT -> remainingInput() > 0 ? STATUS_INPUT_AVAILABLE : 0;
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        switch (offset) {
            case DATA_PORT -> writeOutput(value);
            case STATUS_PORT -> {
                inputInterruptEnabled = (value & CONTROL_INPUT_INTERRUPT) != 0;
                updateLine();
            }
            default -> { }
        }
    }

    private int readInput() {
        if (remainingInput() == 0) {
            return NO_INPUT;
        }
        int b = input[inputPosition++] & 0xFF;
        updateLine();
        return b;
    }

    private void writeOutput(int value) {
        if (output.size() < outputCap) {
            output.write(value & 0xFF);
        } else {
            droppedBytes++;
        }
    }

    private void updateLine() {
        if (inputInterruptEnabled && remainingInput() > 0) {
            pic.request(LINE);
        } else {
            pic.withdraw(LINE);
        }
    }
}
