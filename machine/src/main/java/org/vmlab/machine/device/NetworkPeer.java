package org.vmlab.machine.device;

import java.util.List;

/**
 * The world beyond the network interface's wire: whatever answers the frames the guest sends.
 *
 * <p>A peer must be deterministic (the same frames get the same answers), so that a run under a
 * VMM sees the same traffic as a run on bare metal. It holds no reference to the clock: it says
 * how long after the frame each answer arrives, and the interface schedules the arrival.
 */
@FunctionalInterface
public interface NetworkPeer {
    /**
     * The answers to {@code frame}, which the guest has just sent; none if the peer stays silent.
     *
     * @param frame a copy of the frame's bytes, the peer's to keep
     */
    List<Reply> answer(byte[] frame);

    /**
     * A frame the peer sends back.
     *
     * @param delay ticks after the guest's frame left that this one arrives (at least 0)
     * @param bytes the frame, 1 to {@link NetworkInterface#MAX_FRAME} bytes
     */
    record Reply(long delay, byte[] bytes) {
        public Reply {
            if (delay < 0) {
                throw new IllegalArgumentException("reply delay must be >= 0, was " + delay);
            }
            if (bytes.length < NetworkInterface.MIN_FRAME
                    || bytes.length > NetworkInterface.MAX_FRAME) {
                throw new IllegalArgumentException("a frame is 1.." + NetworkInterface.MAX_FRAME
                        + " bytes, was " + bytes.length);
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
