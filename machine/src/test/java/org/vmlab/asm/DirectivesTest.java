package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.assemble;
import static org.vmlab.asm.Sources.bytes;
import static org.vmlab.asm.Sources.words;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;

class DirectivesTest {

    @Test
    void wordIsLittleEndian() {
        assertThat(bytes(".word 0x11223344, -1"))
                .containsExactly(0x44, 0x33, 0x22, 0x11, 0xFF, 0xFF, 0xFF, 0xFF);
    }

    @Test
    void byteAcceptsSignedAndUnsigned() {
        assertThat(bytes(".byte 1, -1, 255, 'A'")).containsExactly(1, 0xFF, 0xFF, 'A');
    }

    @Test
    void asciiAndAsciz() {
        assertThat(bytes(".ascii \"hi\\n\"")).containsExactly('h', 'i', '\n');
        assertThat(bytes(".asciz \"a\\t\\\"\\\\\\x41\"")).containsExactly('a', '\t', '"', '\\', 'A', 0);
    }

    @Test
    void spaceWithAndWithoutFill() {
        assertThat(bytes(".space 3\n.space 2, 0xAA")).containsExactly(0, 0, 0, 0xAA, 0xAA);
    }

    @Test
    void alignPadsWithZeros() {
        assertThat(bytes(".byte 1\n.align 4\n.byte 2")).containsExactly(1, 0, 0, 0, 2);
        assertThat(bytes(".byte 1, 2, 3, 4\n.align 4\n.byte 5")).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    @DisplayName(".org at the start of a segment places it; later it pads forward")
    void org() {
        Image image = assemble(".org 0x1000\nstart: nop\n.org 0x1008\nhlt");
        Segment text = image.segments().get(0);
        assertThat(text.address()).isEqualTo(0x1000);
        assertThat(text.size()).isEqualTo(12);
        assertThat(image.symbols().address("start")).contains(0x1000);
    }

    @Test
    @DisplayName("the location symbol . is the address of the current statement")
    void locationSymbol() {
        assertThat(words(".org 0x100\n.word ., . + 4\nhere = .\n.word here"))
                .containsExactly(0x100, 0x104, 0x108);
    }

    @Test
    @DisplayName(".equ and NAME = expr, usable before their definition")
    void constants() {
        assertThat(words(".word A, B\n.equ A, 0x10\nB = A * 2")).containsExactly(0x10, 0x20);
    }

    @Test
    void entryDefaultsToTheFirstSegment() {
        assertThat(assemble(".org 0x400\nhlt").entry()).isEqualTo(0x400);
        assertThat(assemble("nop\nmain: hlt\n.entry main").entry()).isEqualTo(4);
    }

    @Test
    @DisplayName(".segment starts a named segment; .segment NAME resumes it")
    void segments() {
        Image image = assemble("""
                nop
                .segment data, 0x8000
                value: .word 7
                .segment text
                hlt
                .segment data
                .word 8
                """);
        assertThat(image.segments()).extracting(Segment::name).containsExactly("text", "data");
        assertThat(image.segment("text").orElseThrow().bytes()).hasSize(8);
        assertThat(image.segment("data").orElseThrow().wordAt(0x8004)).isEqualTo(8);
        assertThat(image.symbols().address("value")).contains(0x8000);
    }

    @Test
    void anEmptyDefaultSegmentDisappears() {
        Image image = assemble(".segment boot, 0x7c00\nhlt");
        assertThat(image.segments()).extracting(Segment::name).containsExactly("boot");
        assertThat(image.entry()).isEqualTo(0x7c00);
    }

    @Test
    void globalIsAccepted() {
        assertThat(words(".global main\nmain: hlt")).containsExactly(0x02000000);
    }

    @Test
    void severalLabelsOnOneLine() {
        Image image = assemble("nop\na: b: hlt");
        assertThat(image.symbols().address("a")).contains(4);
        assertThat(image.symbols().address("b")).contains(4);
    }

    @Test
    void definesActAsEquBeforeTheFirstLine() throws AssemblyException {
        Image image = Assembler.assembleSource("t.s", ".word SIZE", java.util.Map.of("SIZE", 42));
        assertThat(image.segments().get(0).wordAt(0)).isEqualTo(42);
    }

    @Test
    void labelsAreCaseSensitive() {
        assertThat(words("Loop: nop\nloop: jmp Loop")).containsExactly(0x01000000, 0x50FFFFFE);
    }
}
