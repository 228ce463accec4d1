package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/** DMA confined to a memory (here the machine's RAM, as without an IOMMU): any address in it, a fault (not a crash) beyond it. */
class BoundedDmaTest {
    private final PhysicalMemory memory = new PhysicalMemory(8192);
    private final DmaSpace dma = new BoundedDma(memory, "RAM");

    @Test
    void readsAndWritesRam() throws DmaFault {
        dma.write(0x100, new byte[] {1, 2, 3});
        assertThat(memory.readByte(0x101)).isEqualTo(2);
        assertThat(dma.read(0x100, 3)).containsExactly(1, 2, 3);
    }

    @Test
    void wordsAreLittleEndianAtAnyAlignment() throws DmaFault {
        dma.writeWord(0x201, 0x1122_3344);
        assertThat(memory.readByte(0x201)).isEqualTo(0x44);
        assertThat(memory.readByte(0x204)).isEqualTo(0x11);
        assertThat(dma.readWord(0x201)).isEqualTo(0x1122_3344);
    }

    @Test
    void anAccessReachingPastRamFaultsAndMovesNothing() {
        assertThatThrownBy(() -> dma.write(8190, new byte[] {9, 9, 9}))
                .isInstanceOf(DmaFault.class)
                .satisfies(f -> assertThat(((DmaFault) f).address()).isEqualTo(8190))
                .satisfies(f -> assertThat(((DmaFault) f).length()).isEqualTo(3));
        assertThat(memory.readByte(8190)).isZero();
        assertThatThrownBy(() -> dma.read(0xF000_0000, 4)).isInstanceOf(DmaFault.class)
                .hasMessageContaining("outside RAM (0x2000 bytes)");
    }

    @Test
    void dmaIntoACodeFrameIsReportedLikeACpuStore() throws DmaFault {
        int[] reported = {-1};
        memory.addCodeWriteListener(pa -> reported[0] = pa);
        memory.markCode(1);
        dma.write(4096 + 8, new byte[] {1});
        assertThat(reported[0]).isEqualTo(4096 + 8);
    }
}
