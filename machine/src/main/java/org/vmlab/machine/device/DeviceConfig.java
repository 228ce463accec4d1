package org.vmlab.machine.device;

import java.util.Objects;

/**
 * What one machine's standard devices start with: the console's input and output cap, the disk's
 * size and contents, and the peer at the other end of the network wire.
 *
 * <p>Start from {@link #defaults()} and change what a run needs:
 * {@code DeviceConfig.defaults().withConsoleInput("ls\n").withDiskImage(image)}.
 *
 * @param consoleInput     what the guest will read from the console
 * @param consoleOutputCap the most console output bytes kept (the rest are counted and dropped)
 * @param diskSectors      the disk's size in 512-byte sectors
 * @param diskImage        the disk's first bytes (the rest are zero); empty for a blank disk
 * @param networkPeer      what answers the frames the guest sends
 * @param balloonTarget    the frames the memory balloon asks the guest to give back
 *                         ({@link BalloonDevice}); 0 on bare metal unless a test wants a driver busy
 */
public record DeviceConfig(String consoleInput, int consoleOutputCap, int diskSectors,
        byte[] diskImage, NetworkPeer networkPeer, int balloonTarget) {
    public static final int DEFAULT_DISK_SECTORS = 2048;

    public DeviceConfig {
        Objects.requireNonNull(consoleInput, "consoleInput");
        Objects.requireNonNull(diskImage, "diskImage");
        Objects.requireNonNull(networkPeer, "networkPeer");
        if (consoleOutputCap < 0) {
            throw new IllegalArgumentException(
                    "console output cap must be >= 0, was " + consoleOutputCap);
        }
        if (diskSectors < 1 || diskSectors > BlockDevice.MAX_SECTORS) {
            throw new IllegalArgumentException("disk size must be 1.." + BlockDevice.MAX_SECTORS
                    + " sectors, was " + diskSectors);
        }
        if (diskImage.length > (long) diskSectors * BlockDevice.SECTOR_SIZE) {
            throw new IllegalArgumentException(String.format(
                    "disk image of %d bytes does not fit %d sectors; give more sectors",
                    diskImage.length, diskSectors));
        }
        if (balloonTarget < 0) {
            throw new IllegalArgumentException("balloon target must be >= 0 frames, was " + balloonTarget);
        }
        diskImage = diskImage.clone();
    }

    /** No console input, a 1 MiB output cap, a blank disk of 2048 sectors, an echo peer, a balloon target of 0. */
    public static DeviceConfig defaults() {
        return new DeviceConfig("", Console.DEFAULT_OUTPUT_CAP, DEFAULT_DISK_SECTORS, new byte[0],
                new EchoPeer(), 0);
    }

    /** A copy of the disk's initial bytes. */
    @Override
    public byte[] diskImage() {
        return diskImage.clone();
    }

    public DeviceConfig withConsoleInput(String input) {
        return new DeviceConfig(input, consoleOutputCap, diskSectors, diskImage, networkPeer, balloonTarget);
    }

    public DeviceConfig withConsoleOutputCap(int cap) {
        return new DeviceConfig(consoleInput, cap, diskSectors, diskImage, networkPeer, balloonTarget);
    }

    public DeviceConfig withDiskSectors(int sectors) {
        return new DeviceConfig(consoleInput, consoleOutputCap, sectors, diskImage, networkPeer, balloonTarget);
    }

    public DeviceConfig withDiskImage(byte[] image) {
        return new DeviceConfig(consoleInput, consoleOutputCap, diskSectors, image, networkPeer, balloonTarget);
    }

    public DeviceConfig withNetworkPeer(NetworkPeer peer) {
        return new DeviceConfig(consoleInput, consoleOutputCap, diskSectors, diskImage, peer, balloonTarget);
    }

    public DeviceConfig withBalloonTarget(int frames) {
        return new DeviceConfig(consoleInput, consoleOutputCap, diskSectors, diskImage, networkPeer, frames);
    }
}
