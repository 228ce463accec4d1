package org.vmlab.vmm.replay;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.vmlab.machine.device.DeviceConfig;

/**
 * What a deterministic machine takes in from outside during a run, and all a replay needs besides
 * the program: the console's input, the disk's initial contents, and every frame the network peer
 * delivered, with the tick it arrived at. Everything else a run does follows from these and the
 * program, because guest time counts the guest's own instructions (docs/replay.md).
 *
 * <p>This is ReVirt's log (Dunlap et al., OSDI 2002), for a machine whose only nondeterministic
 * events are its inputs: no interrupt needs its instruction logged, since every device acts on
 * the guest's own clock.
 *
 * @param consoleInput what the guest could read from the console
 * @param diskSectors  the disk's size in sectors
 * @param diskImage    the disk's first bytes at power-on (the rest are zero)
 * @param exchanges    one per frame the guest sent, in order: the peer's answers to it
 */
public record InputLog(String consoleInput, int diskSectors, byte[] diskImage, List<Exchange> exchanges) {
    public InputLog {
        Objects.requireNonNull(consoleInput, "consoleInput");
        diskImage = diskImage.clone();
        exchanges = List.copyOf(exchanges);
    }

    @Override
    public byte[] diskImage() {
        return diskImage.clone();
    }

    /** SHA-256 of the disk's initial bytes, to check a recording's disk against. */
    public String diskImageDigest() {
        return Digests.sha256(diskImage);
    }

    /** The devices of a replay: the recorded console input and disk, and a peer that plays the log back. */
    public DeviceConfig replayDevices(ReplayingPeer peer) {
        return DeviceConfig.defaults().withConsoleInput(consoleInput).withDiskSectors(diskSectors)
                .withDiskImage(diskImage).withNetworkPeer(peer);
    }

    /** Frames the peer delivered in all. */
    public int deliveries() {
        return exchanges.stream().mapToInt(e -> e.deliveries().size()).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputLog l && consoleInput.equals(l.consoleInput) && diskSectors == l.diskSectors
                && Arrays.equals(diskImage, l.diskImage) && exchanges.equals(l.exchanges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(consoleInput, diskSectors, Arrays.hashCode(diskImage), exchanges);
    }

    /**
     * One frame the guest sent and what the peer sent back.
     *
     * @param sentTick   the tick the guest's frame went on the wire
     * @param sentDigest SHA-256 of the guest's frame, to tell a replay that sends another
     * @param deliveries the peer's frames in answer, each with the tick it arrived at
     */
    public record Exchange(long sentTick, String sentDigest, List<Delivery> deliveries) {
        public Exchange {
            Objects.requireNonNull(sentDigest, "sentDigest");
            deliveries = List.copyOf(deliveries);
            for (Delivery d : deliveries) {
                if (d.tick() < sentTick) {
                    throw new IllegalArgumentException("a frame arrives at tick " + d.tick()
                            + ", before the frame it answers left at tick " + sentTick);
                }
            }
        }
    }

    /**
     * A frame from the peer.
     *
     * @param tick  the tick it reached the network interface
     * @param bytes the frame
     */
    public record Delivery(long tick, byte[] bytes) {
        public Delivery {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delivery d && tick == d.tick && Arrays.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(tick) * 31 + Arrays.hashCode(bytes);
        }
    }
}
