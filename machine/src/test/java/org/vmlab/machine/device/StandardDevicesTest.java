package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The standard set: everything at its documented port, window and line, wired for one machine. */
class StandardDevicesTest {
    private final Bench bench = new Bench();

    private StandardDevices attach(DeviceConfig config) {
        return StandardDevices.attach(bench.clock, bench.pic, bench.io, bench.mmio, bench.dma,
                config);
    }

    @Test
    void eachDeviceAnswersAtItsDocumentedAddress() {
        StandardDevices devices = attach(DeviceConfig.defaults().withConsoleInput("x"));

        bench.io.out(0x21, 0x5A);
        assertThat(bench.io.in(0x21)).as("pic mask").isEqualTo(0x5A);
        bench.io.out(0x40, 123);
        assertThat(bench.io.in(0x40)).as("timer period").isEqualTo(123);
        assertThat(bench.io.in(0x3F9)).as("console status").isEqualTo(1);
        assertThat(bench.io.in(0x3F8)).as("console data").isEqualTo('x');
        assertThat(bench.io.in(0x1F5)).as("disk capacity").isEqualTo(2048);
        bench.mmio.write(0xF000_0004, 16);
        assertThat(bench.mmio.read(0xF000_0004)).as("nic TX_SIZE").isEqualTo(16);
        assertThat(devices.nic().read(NetworkInterface.TX_SIZE)).isEqualTo(16);
        assertThat(bench.io.in(0x23)).isEqualTo(IoBus.FLOATING);
        assertThat(bench.io.in(0x1F6)).isEqualTo(IoBus.FLOATING);
    }

    @Test
    void eachDeviceRaisesItsDocumentedLine() {
        attach(DeviceConfig.defaults().withConsoleInput("x"));
        bench.io.out(0x40, 10);                   // timer
        bench.io.out(0x3F9, 1);                   // console
        bench.io.out(0x1F1, 1);                   // disk: read sector 0 to address 0
        bench.io.out(0x1F3, 1);
        bench.mmio.write(0xF000_0024, 1);         // nic: transmit-done enabled
        bench.mmio.write(0xF000_0004, 2);
        bench.memory.writeWord(4, 1);             // descriptor 0: 1 byte at address 0
        bench.mmio.write(0xF000_000C, 1);
        bench.run(1100);

        assertThat(bench.pic.pending()).isEqualTo(0b1111);
        assertThat(bench.pic.acknowledge()).isEqualTo(32);
    }

    @Test
    void itGathersWhatTheOracleCompares() {
        byte[] image = new byte[1024];
        image[512] = 42;
        StandardDevices devices = attach(DeviceConfig.defaults().withDiskSectors(4)
                .withDiskImage(image));
        assertThat(devices.diskDigest()).isEqualTo(Sha256.hex(java.util.Arrays.copyOf(image, 2048)));

        bench.io.out(0x3F8, 'h');
        bench.io.out(0x3F8, 'i');
        bench.io.out(0x1F0, 1);
        bench.io.out(0x1F1, 1);
        bench.io.out(0x1F2, 0x2000);
        bench.io.out(0x1F3, 1);
        bench.run(1100);

        assertThat(devices.consoleOutput()).isEqualTo("hi");
        assertThat(devices.diskRequests()).singleElement()
                .satisfies(r -> assertThat(r.sector()).isEqualTo(1));
        assertThat(devices.frames()).isEmpty();
        assertThat(bench.memory.readByte(0x2000)).isEqualTo(42);
    }

    @Test
    void theConsoleCapComesFromTheConfig() {
        StandardDevices devices = attach(DeviceConfig.defaults().withConsoleOutputCap(1));
        bench.io.out(0x3F8, 'a');
        bench.io.out(0x3F8, 'b');
        assertThat(devices.consoleOutput()).isEqualTo("a");
        assertThat(devices.consoleBytesDropped()).isEqualTo(1);
    }

    @Test
    void thePeerComesFromTheConfig() {
        StandardDevices devices = attach(DeviceConfig.defaults().withNetworkPeer(f -> java.util.List.of()));
        bench.mmio.write(0xF000_0004, 2);
        bench.memory.writeWord(4, 1);
        bench.mmio.write(0xF000_000C, 1);
        bench.run(10_000);
        assertThat(devices.frames()).extracting(Frame::direction)
                .containsExactly(Frame.Direction.SENT);
    }

    @Test
    void twoMachinesInOneJvmShareNothing() {
        StandardDevices first = attach(DeviceConfig.defaults());
        Bench other = new Bench();
        StandardDevices second = StandardDevices.attach(other.clock, other.pic, other.io,
                other.mmio, other.dma, DeviceConfig.defaults());
        bench.io.out(0x3F8, 'a');
        assertThat(first.consoleOutput()).isEqualTo("a");
        assertThat(second.consoleOutput()).isEmpty();
    }

    @Test
    void attachingTwiceToTheSameBusesIsRefused() {
        attach(DeviceConfig.defaults());
        assertThatThrownBy(() -> attach(DeviceConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultsAreDocumented() {
        DeviceConfig config = DeviceConfig.defaults();
        assertThat(config.consoleInput()).isEmpty();
        assertThat(config.consoleOutputCap()).isEqualTo(1 << 20);
        assertThat(config.diskSectors()).isEqualTo(2048);
        assertThat(config.diskImage()).isEmpty();
        assertThat(config.networkPeer()).isInstanceOf(EchoPeer.class);
    }

    @Test
    void aConfigIsCheckedWhenMade() {
        DeviceConfig d = DeviceConfig.defaults();
        assertThatThrownBy(() -> d.withDiskSectors(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withDiskSectors(1).withDiskImage(new byte[513]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> d.withConsoleOutputCap(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withConsoleInput(null)).isInstanceOf(NullPointerException.class);
    }
}
