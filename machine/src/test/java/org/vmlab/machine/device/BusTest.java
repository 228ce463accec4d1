package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The port I/O bus and the MMIO bus: routing by offset, overlap errors, floating reads. */
class BusTest {
    /** A device that records what reaches it and answers reads with 0x1000 + offset. */
    static final class Probe implements PortDevice, MmioDevice {
        final String name;
        final List<String> log = new ArrayList<>();

        Probe(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int in(int offset) {
            return 0x1000 + offset;
        }

        @Override
        public void out(int offset, int value) {
            log.add("out " + offset + "=" + value);
        }

        @Override
        public int read(int offset) {
            return 0x1000 + offset;
        }

        @Override
        public void write(int offset, int value) {
            log.add("write " + offset + "=" + value);
        }
    }

    @Test
    void ioBusPassesTheOffsetFromTheDevicesFirstPort() {
        IoBus bus = new IoBus();
        Probe disk = new Probe("disk");
        bus.attach(0x1F0, 6, disk);

        assertThat(bus.in(0x1F5)).isEqualTo(0x1005);
        bus.out(0x1F3, 7);
        assertThat(disk.log).containsExactly("out 3=7");
    }

    @Test
    void anUnattachedPortReadsAllOnesAndIgnoresWrites() {
        IoBus bus = new IoBus();
        Probe disk = new Probe("disk");
        bus.attach(0x1F0, 6, disk);

        assertThat(bus.in(0x1F6)).isEqualTo(IoBus.FLOATING).isEqualTo(0xFFFF_FFFF);
        bus.out(0x1EF, 1);
        assertThat(disk.log).isEmpty();
    }

    @Test
    void overlappingPortRangesAreRefused() {
        IoBus bus = new IoBus();
        bus.attach(0x40, 2, new Probe("timer"));

        assertThatThrownBy(() -> bus.attach(0x41, 1, new Probe("other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other").hasMessageContaining("timer");
        assertThatThrownBy(() -> bus.attach(0x3F, 2, new Probe("other")))
                .isInstanceOf(IllegalArgumentException.class);
        bus.attach(0x42, 1, new Probe("adjacent"));
        bus.attach(0x3F, 1, new Probe("adjacent below"));
    }

    @Test
    void anEmptyPortRangeIsRefused() {
        assertThatThrownBy(() -> new IoBus().attach(0x40, 0, new Probe("timer")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mmioBusPassesTheWordOffsetFromTheWindowBase() {
        MmioBus bus = new MmioBus();
        Probe nic = new Probe("nic");
        bus.attach(0xF000_0000, 4096, nic);

        assertThat(bus.read(0xF000_0024)).isEqualTo(0x1024);
        assertThat(bus.read(0xF000_0026)).as("a byte inside a word reaches the word")
                .isEqualTo(0x1024);
        bus.write(0xF000_000C, 3);
        assertThat(nic.log).containsExactly("write 12=3");
    }

    @Test
    void anUnclaimedMmioAddressReadsAllOnesAndIgnoresWrites() {
        MmioBus bus = new MmioBus();
        Probe nic = new Probe("nic");
        bus.attach(0xF000_0000, 4096, nic);

        assertThat(bus.read(0xF000_1000)).isEqualTo(IoBus.FLOATING);
        assertThat(bus.read(0xEFFF_FFFC)).isEqualTo(IoBus.FLOATING);
        bus.write(0xF000_1000, 1);
        assertThat(nic.log).isEmpty();
    }

    @Test
    void theMmioBusSaysWhetherARangeOverlapsAWindow() {
        MmioBus bus = new MmioBus();
        bus.attach(0xF000_0010, 16, new Probe("small"));

        assertThat(bus.overlaps(0xF000_0000, 4096)).as("the page that holds it").isTrue();
        assertThat(bus.overlaps(0xF000_001C, 4)).isTrue();
        assertThat(bus.overlaps(0xF000_0020, 4)).as("just past it").isFalse();
        assertThat(bus.overlaps(0xE000_0000, 4096)).isFalse();
        assertThat(bus.overlaps(0xFFFF_F000, 4096)).as("the top page").isFalse();
    }

    @Test
    void overlappingMmioWindowsAreRefused() {
        MmioBus bus = new MmioBus();
        bus.attach(0xF000_0000, 4096, new Probe("nic"));

        assertThatThrownBy(() -> bus.attach(0xF000_0800, 4096, new Probe("other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nic");
        assertThatThrownBy(() -> bus.attach(0xEFFF_F000, 8192, new Probe("other")))
                .isInstanceOf(IllegalArgumentException.class);
        bus.attach(0xF000_1000, 4096, new Probe("adjacent"));
    }

    @Test
    void aWindowMustBeNonEmptyAndInsideTheAddressSpace() {
        MmioBus bus = new MmioBus();
        assertThatThrownBy(() -> bus.attach(0xF000_0000, 0, new Probe("nic")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.attach(0xFFFF_F000, 8192, new Probe("nic")))
                .isInstanceOf(IllegalArgumentException.class);
        bus.attach(0xFFFF_F000, 4096, new Probe("top"));
        assertThat(bus.read(0xFFFF_FFFC)).isEqualTo(0x1FFC);
    }
}
