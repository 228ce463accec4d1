package org.vmlab.machine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentTest {

    @Test
    void equalityIsOnContents() {
        assertThat(new Segment("t", 0, new byte[] {1, 2})).isEqualTo(new Segment("t", 0, new byte[] {1, 2}))
                .hasSameHashCodeAs(new Segment("t", 0, new byte[] {1, 2}))
                .isNotEqualTo(new Segment("t", 0, new byte[] {1, 3}));
    }

    @Test
    void bytesAreCopied() {
        byte[] bytes = {1, 2, 3, 4};
        Segment s = new Segment("t", 0x100, bytes);
        bytes[0] = 9;
        s.bytes()[1] = 9;
        assertThat(s.wordAt(0x100)).isEqualTo(0x04030201);
    }

    @Test
    void imageRejectsOverlapsAndSortsByAddress() {
        Segment a = new Segment("a", 0x100, new byte[8]);
        Segment b = new Segment("b", 0x104, new byte[8]);
        Segment c = new Segment("c", 0x10, new byte[4]);
        assertThatThrownBy(() -> new Image(0, List.of(a, b), SymbolTable.empty()))
                .hasMessage("segment b overlaps segment a");
        assertThat(new Image(0, List.of(a, c), SymbolTable.empty()).segments()).containsExactly(c, a);
    }
}
