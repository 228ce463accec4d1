package org.vmlab.machine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loadable program: the segments to copy into memory, where execution starts, and the symbol
 * table that lets traces and error messages name functions.
 *
 * <p>This is what the assembler produces and what the machine loader consumes. Segments are held
 * in ascending address order and never overlap.
 *
 * @param entry    the address of the first instruction to execute
 * @param segments the contents, in ascending address order
 * @param symbols  the program's labels
 */
public record Image(int entry, List<Segment> segments, SymbolTable symbols) {

    public Image {
        Objects.requireNonNull(symbols, "symbols");
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(s -> Integer.toUnsignedLong(s.address())));
        for (int i = 1; i < sorted.size(); i++) {
            Segment a = sorted.get(i - 1);
            Segment b = sorted.get(i);
            if (a.overlaps(b)) {
                throw new IllegalArgumentException("segment " + b.name() + " overlaps segment "
                        + a.name());
            }
        }
        segments = List.copyOf(sorted);
    }

    /** The segment with this name, if there is one. */
    public Optional<Segment> segment(String name) {
        return segments.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The segment holding {@code address}, if there is one. */
    public Optional<Segment> segmentAt(int address) {
        return segments.stream().filter(s -> s.contains(address)).findFirst();
    }

    /** Writes this image in the binary image format (see {@link ImageFile}). */
    public void write(OutputStream out) throws IOException {
        ImageFile.write(this, out);
    }

    /**
     * Reads an image written by {@link #write}.
     *
     * @throws IOException if the stream is not an image file, is of an unknown version, is
     *                     truncated or corrupted; the message says which
     */
    public static Image read(InputStream in) throws IOException {
        return ImageFile.read(in);
    }
}
