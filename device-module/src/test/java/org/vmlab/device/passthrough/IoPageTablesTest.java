package org.vmlab.device.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/** The tables' frames: a directory from the start, tables on demand, no access outside them. */
class IoPageTablesTest {
    private final PhysicalMemory memory = new PhysicalMemory(4 << 20);
    private final MachineFrames frames = new MachineFrames(memory, 16);

    @Test
    void entriesAreReadAndWrittenInTheTablesOwnFrames() {
        IoPageTables tables = new IoPageTables(frames, "vm1");
        int table = tables.newTable();

        tables.writeWord((tables.directoryFrame() << 12) + 8, table << 12 | 3);
        tables.writeWord((table << 12) + 4092, 0x1234_5003);

        assertThat(tables.readWord((tables.directoryFrame() << 12) + 8)).isEqualTo(table << 12 | 3);
        assertThat(memory.readWord((table << 12) + 4092)).isEqualTo(0x1234_5003);
        assertThat(tables.tableCount()).isEqualTo(1);
    }

    @Test
    void anAddressOutsideTheTablesIsRefusedWithHowToComputeIt() {
        IoPageTables tables = new IoPageTables(frames, "vm1");

        assertThatThrownBy(() -> tables.writeWord(0x5000, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an entry of these I/O page tables")
                .hasMessageContaining("the tables none yet");
        assertThatThrownBy(() -> tables.readWord((tables.directoryFrame() << 12) + 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.readWord(0x5000)).isZero();
    }

    @Test
    void freeingGivesEveryFrameBack() {
        int free = frames.freeFrames();
        IoPageTables tables = new IoPageTables(frames, "vm2");
        tables.newTable();
        tables.newTable();

        tables.free();

        assertThat(frames.freeFrames()).isEqualTo(free);
    }
}
