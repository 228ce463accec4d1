package org.vmlab.machine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageFileTest {

    private static final Image IMAGE = new Image(0x1004,
            List.of(new Segment("text", 0x1000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                    new Segment("data", 0x8000, new byte[] {9, 10, 11})),
            new SymbolTable(Map.of("start", 0x1000, "main", 0x1004, "buffer", 0x8000)));

    private static byte[] write(Image image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        image.write(out);
        return out.toByteArray();
    }

    private static Image read(byte[] bytes) throws IOException {
        return Image.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void roundTrip() throws IOException {
        Image back = read(write(IMAGE));
        assertThat(back).isEqualTo(IMAGE);
        assertThat(back.symbols().address("main")).contains(0x1004);
    }

    @Test
    void emptyImageRoundTrips() throws IOException {
        Image empty = new Image(0, List.of(), SymbolTable.empty());
        assertThat(read(write(empty))).isEqualTo(empty);
    }

    @Test
    void startsWithTheMagicNumber() throws IOException {
        assertThat(Arrays.copyOf(write(IMAGE), 4)).containsExactly('V', 'M', 'L', 'I');
    }

    @Test
    void badMagic() throws IOException {
        byte[] bytes = write(IMAGE);
        bytes[0] = 'X';
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class)
                .hasMessage("not a vmlab image file (bad magic number)");
    }

    @Test
    void unknownVersion() throws IOException {
        byte[] bytes = write(IMAGE);
        bytes[7] = 9;
        assertThatThrownBy(() -> read(bytes)).hasMessage(
                "unsupported image file version 9 (this program reads version 1)");
    }

    @Test
    void truncatedAtEveryLength() throws IOException {
        byte[] bytes = write(IMAGE);
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> read(cut)).as("cut at %d", n).isInstanceOf(IOException.class)
                    .message().matches("truncated image file.*|not a vmlab image file.*");
        }
    }

    @Test
    void flippedContentByteFailsTheChecksum() throws IOException {
        byte[] bytes = write(IMAGE);
        bytes[40] ^= 0x10;
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupted image file");
    }

    @Test
    void impossibleLength() throws IOException {
        byte[] bytes = write(IMAGE);
        bytes[12] = (byte) 0x80;    // the segment count becomes negative
        assertThatThrownBy(() -> read(bytes)).hasMessageStartingWith("corrupted image file (segment count");
    }
}
