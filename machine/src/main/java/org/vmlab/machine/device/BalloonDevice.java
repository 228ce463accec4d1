package org.vmlab.machine.device;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The memory balloon: how a host asks a guest for memory back, after VMware ESX Server's balloon
 * driver [C. A. Waldspurger, "Memory Resource Management in VMware ESX Server", OSDI 2002,
 * section 3]. The host sets a <em>target</em>, the number of frames it wants the guest to give
 * back; the guest's driver polls it (ESX's polls about once a second, so the device needs no
 * interrupt line), allocates frames from its own allocator and hands each one's number to
 * {@code INFLATE}; when the target falls it hands them back through {@code DEFLATE} and frees them.
 * The guest's own allocator chooses which frames go, so it gives up what it misses least.
 *
 * <p>Ports (offsets from 0x5C0): +0 read the target (writes ignored); +1 write a frame number:
 * inflate (the guest gives the frame back); +2 write a frame number: deflate (the guest takes it
 * back); +3 read the number of frames given back now; +4 read the status of the last inflate or
 * deflate ({@link #ACCEPTED}, {@link #NOT_RAM}, {@link #WRONG_STATE}, {@link #REFUSED}).
 *
 * <p>The device keeps the set of frames given back and refuses what does not fit it (a frame that
 * is not RAM, one given back twice, one taken back that was never given), so that a careless or
 * hostile driver cannot confuse its host: it counts every refusal and says why in the status.
 * What giving a frame back means is the {@link Host}'s: on bare metal nothing (the frame stays
 * where it is; the target is the configuration's, 0 unless told); in a VM the VMM releases the
 * machine frame behind it.
 */
public final class BalloonDevice implements PortDevice {
    public static final int BASE = 0x5C0;
    public static final int PORTS = 5;

    public static final int TARGET_PORT = 0;
    public static final int INFLATE_PORT = 1;
    public static final int DEFLATE_PORT = 2;
    public static final int SIZE_PORT = 3;
    public static final int STATUS_PORT = 4;

    /** Status: the last inflate or deflate was done. */
    public static final int ACCEPTED = 0;
    /** Status: the frame number is not a frame of RAM. */
    public static final int NOT_RAM = 1;
    /** Status: the frame was given back already (inflate), or was not given back (deflate). */
    public static final int WRONG_STATE = 2;
    /** Status: the host refused the frame (its memory cannot give frames back). */
    public static final int REFUSED = 3;

    /**
     * What the balloon's inflating and deflating means to whoever runs the guest: a VMM releases
     * and restores the machine frames behind guest frames. Told only of frames the device
     * accepted (RAM, in the right state).
     */
    public interface Host {
        /** The guest gives frame {@code frame} back; false refuses it (nothing changes). */
        boolean inflate(int frame);

        /** The guest takes frame {@code frame} back; false refuses it (nothing changes). */
        boolean deflate(int frame);

        /**
         * The device refused an inflate ({@code inflate} true) or a deflate of {@code frame}, for
         * {@code status} ({@link #NOT_RAM}, {@link #WRONG_STATE} or {@link #REFUSED}): for the
         * host's counts.
         */
        default void rejected(int frame, boolean inflate, int status) {
        }

        /** Bare metal: frames stay where they are; every frame is accepted. */
        Host BARE_METAL = new Host() {
            @Override
            public boolean inflate(int frame) {
                return true;
            }

            @Override
            public boolean deflate(int frame) {
                return true;
            }
        };
    }

    private final int ramFrames;
    private final TreeSet<Integer> givenBack = new TreeSet<>();
    private Host host = Host.BARE_METAL;
    private int target;
    private int status = ACCEPTED;
    private long rejected;

    /**
     * A balloon over {@code ramFrames} frames of RAM (frame numbers 0 .. ramFrames-1), its target
     * {@code target} frames.
     */
    public BalloonDevice(int ramFrames, int target) {
        if (ramFrames < 0) {
            throw new IllegalArgumentException("RAM frames must be >= 0, was " + ramFrames);
        }
        this.ramFrames = ramFrames;
        setTarget(target);
    }

    @Override
    public String name() {
        return "balloon";
    }

    /** Who hears the balloon inflate and deflate; {@link Host#BARE_METAL} until set. */
    public void setHost(Host host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The frames the host wants back: what the guest's driver reads at the target port. */
    public void setTarget(int frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("a balloon target is a number of frames >= 0, was " + frames);
        }
        this.target = frames;
    }

    public int target() {
        return target;
    }

    /** Frames given back now. */
    public int size() {
        return givenBack.size();
    }

    /** True if frame {@code frame} is given back now. */
    public boolean isGivenBack(int frame) {
        return givenBack.contains(frame);
    }

    /** Inflates and deflates refused so far (not RAM, wrong state, or refused by the host). */
    public long rejected() {
        return rejected;
    }

    /** The status of the last inflate or deflate. */
    public int status() {
        return status;
    }

    public int ramFrames() {
        return ramFrames;
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case TARGET_PORT -> target;
            case SIZE_PORT -> givenBack.size();
            case STATUS_PORT -> status;
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        if (offset == INFLATE_PORT) {
            finish(value, true, inflate(value));
        } else if (offset == DEFLATE_PORT) {
            finish(value, false, deflate(value));
        }
    }

    private int inflate(int frame) {
        if (Integer.compareUnsigned(frame, ramFrames) >= 0) {
            return NOT_RAM;
        }
        if (givenBack.contains(frame)) {
            return WRONG_STATE;
        }
        if (!host.inflate(frame)) {
            return REFUSED;
        }
        givenBack.add(frame);
        return ACCEPTED;
    }

    private int deflate(int frame) {
        if (Integer.compareUnsigned(frame, ramFrames) >= 0) {
            return NOT_RAM;
        }
        if (!givenBack.contains(frame)) {
            return WRONG_STATE;
        }
        if (!host.deflate(frame)) {
            return REFUSED;
        }
        givenBack.remove(frame);
        return ACCEPTED;
    }

    private void finish(int frame, boolean inflate, int outcome) {
        status = outcome;
        if (outcome != ACCEPTED) {
            rejected++;
            host.rejected(frame, inflate, outcome);
        }
    }

    /** The balloon's state as a value. */
    public State state() {
        return new State(target, List.copyOf(givenBack), status, rejected);
    }

    /**
     * Puts the balloon back to {@code state}. The host is not told: whoever restores the guest's
     * memory restores what backs the frames given back.
     *
     * @throws IllegalArgumentException if a frame of the state is not RAM here
     */
    public void restore(State state) {
        check(state);
        target = state.target();
        givenBack.clear();
        givenBack.addAll(state.givenBack());
        status = state.status();
        rejected = state.rejected();
    }

    void check(State state) {
        for (int frame : state.givenBack()) {
            if (Integer.compareUnsigned(frame, ramFrames) >= 0) {
                throw new IllegalArgumentException(String.format("the balloon holds frame 0x%x, which is not"
                        + " RAM on a board of %d frames", frame, ramFrames));
            }
        }
    }

    /**
     * The balloon's state.
     *
     * @param target    the frames the host wants back
     * @param givenBack the frames given back, in ascending order
     * @param status    the status of the last inflate or deflate
     * @param rejected  inflates and deflates refused so far
     */
    public record State(int target, List<Integer> givenBack, int status, long rejected) {
        public State {
            if (target < 0) {
                throw new IllegalArgumentException("a balloon target is >= 0, was " + target);
            }
            givenBack = List.copyOf(givenBack);
            if (rejected < 0) {
                throw new IllegalArgumentException("rejected is a count >= 0, was " + rejected);
            }
        }
    }
}
