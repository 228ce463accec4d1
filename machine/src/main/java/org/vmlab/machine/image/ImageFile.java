package org.vmlab.machine.image;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The binary image file format ({@code .vmli}).
 *
 * <p>All integers are 32-bit big-endian (Java's {@link DataOutputStream} order); strings are a
 * 32-bit length followed by that many UTF-8 bytes.
 *
 * <pre>
 *   "VMLI"                      magic, 4 ASCII bytes
 *   version                     1
 *   entry                       entry-point address
 *   segment count, then per segment:
 *       name, address, length, length bytes of contents
 *   symbol count, then per symbol:
 *       name, address
 *   crc32                       of every byte before it
 * </pre>
 *
 * The trailing CRC turns a flipped bit anywhere in the file into a clear error instead of a
 * guest that crashes for no visible reason.
 */
final class ImageFile {
    private static final byte[] MAGIC = {'V', 'M', 'L', 'I'};
    static final int VERSION = 1;
    /** Upper bound on any count or length in a file, so a corrupted header cannot ask for GiBs. */
    private static final int MAX_LENGTH = 1 << 30;

    private ImageFile() {
    }

    static void write(Image image, OutputStream out) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(buffer);
        data.write(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(image.entry());
        data.writeInt(image.segments().size());
        for (Segment s : image.segments()) {
            writeString(data, s.name());
            data.writeInt(s.address());
            data.writeInt(s.size());
            data.write(s.bytes());
        }
        data.writeInt(image.symbols().size());
        for (SymbolTable.Symbol sym : image.symbols()) {
            writeString(data, sym.name());
            data.writeInt(sym.address());
        }
        data.flush();
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        data.writeInt((int) crc.getValue());
        data.flush();
        buffer.writeTo(out);
        out.flush();
    }

    static Image read(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream data = new DataInputStream(new java.util.zip.CheckedInputStream(in, crc));
        try {
            byte[] magic = new byte[4];
            data.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a vmlab image file (bad magic number)");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new IOException("unsupported image file version " + version
                        + " (this program reads version " + VERSION + ")");
            }
            int entry = data.readInt();
            int segmentCount = readLength(data, "segment count");
            List<Segment> segments = new ArrayList<>();
            for (int i = 0; i < segmentCount; i++) {
                String name = readString(data);
                int address = data.readInt();
                int length = readLength(data, "segment length");
                byte[] bytes = data.readNBytes(length);   // grows as it reads: no huge allocation
                if (bytes.length < length) {
                    throw new EOFException();
                }
                segments.add(new Segment(name, address, bytes));
            }
            int symbolCount = readLength(data, "symbol count");
            Map<String, Integer> symbols = new LinkedHashMap<>();
            for (int i = 0; i < symbolCount; i++) {
                String name = readString(data);
                symbols.put(name, data.readInt());
            }
            int expected = (int) crc.getValue();
            int stored = new DataInputStream(in).readInt();
            if (stored != expected) {
                throw new IOException("corrupted image file (checksum mismatch)");
            }
            return new Image(entry, segments, new SymbolTable(symbols));
        } catch (EOFException e) {
            throw new IOException("truncated image file (it ends before its contents do)", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupted image file: " + e.getMessage(), e);
        }
    }

    private static int readLength(DataInputStream data, String what) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupted image file (" + what + " " + Integer.toUnsignedString(n)
                    + " is impossible)");
        }
        return n;
    }

    private static void writeString(DataOutputStream data, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        data.writeInt(bytes.length);
        data.write(bytes);
    }

    private static String readString(DataInputStream data) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException("corrupted image file (name length " + Integer.toUnsignedString(n)
                    + " is impossible)");
        }
        byte[] bytes = new byte[n];
        data.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
