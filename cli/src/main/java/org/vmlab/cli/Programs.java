package org.vmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.image.Image;

/**
 * Finds the program a command names: the built-in guest {@code toyos}, an assembly source
 * ({@code .s}) or an image file ({@code .img}), and turns every way that can fail into a
 * {@link UserError} that names the file and the problem: missing, a folder, not a regular file,
 * unreadable, not text, not UTF-8, not an image, empty.
 */
final class Programs {
    static final String TOYOS = "toyos";
    /** The largest assembly source read: far more than any program for a machine of 1 GiB. */
    static final int MAX_SOURCE_BYTES = 64 << 20;
    /** The first bytes of an image file. */
    private static final byte[] IMAGE_MAGIC = {'V', 'M', 'L', 'I'};

    private Programs() {
    }

    /** The image of {@code guest}: "toyos", a .s file (assembled with defines) or a .img file. */
    static Image load(String guest, Toyos.Flavor flavor, Map<String, Integer> defines) {
        if (guest.equals(TOYOS)) {
            return Toyos.image(flavor);
        }
        Path file = existingFile(guest);
        return guest.endsWith(".img") ? readImage(file) : assemble(file, defines);
    }

    /**
     * Assembles the source {@code file} (checked first: text, UTF-8); errors become one {@code
     * file:line:col: message} line each.
     */
    static Image assemble(Path file, Map<String, Integer> defines) {
        checkSource(file);
        Path dir = file.toAbsolutePath().getParent();
        Image image;
        try {
            image = new Assembler(checkedSources(dir)).assemble(file.getFileName().toString(), defines);
        } catch (AssemblyException e) {
            String lines = e.errors().stream().map(err -> {
                Path shown = dir.resolve(err.file());
                return new org.vmlab.asm.AsmError(displayPath(shown), err.line(), err.column(),
                        err.message()).toString();
            }).collect(Collectors.joining("\n"));
            throw UserError.located(lines);
        }
        if (image.segments().isEmpty()) {
            throw new UserError(file + ": nothing to assemble: no instruction or data in it");
        }
        return image;
    }

    static Image readImage(Path file) {
        Image image;
        try (InputStream in = open(file)) {
            image = Image.read(in);
        } catch (IOException e) {
            if (size(file) == 0) {
                throw new UserError(file + " is empty, not a vmlab image");
            }
            String why = String.valueOf(e.getMessage());
            why = why.startsWith("not a vmlab image file") ? why.substring("not a vmlab image file".length()) : ": " + why;
            throw new UserError(file + ": not a vmlab image" + why
                    + (looksLikeText(head(file)) ? "; it is text: an assembly source is named FILE.s" : ""));
        }
        if (image.segments().isEmpty()) {
            throw new UserError(file + ": the image is empty: no segment to load");
        }
        return image;
    }

    /**
     * The file named {@code name}, if it is a regular file that can be read; else a {@link
     * UserError} that says what it is instead.
     */
    static Path existingFile(String name) {
        Path file;
        try {
            file = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError(name + ": not a file name (" + e.getReason() + ")");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(name + " is a folder, not a file");
        }
        if (!Files.exists(file) && !Files.notExists(file)) {
            throw new UserError(name + ": cannot read it (permission denied on a folder on its way)");
        }
        if (!Files.exists(file)) {
            throw new UserError(name + ": no such file"
                    + (name.contains(".") ? "" : " (the built-in guest is '" + TOYOS + "')"));
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(name + " is not a regular file (a device, a pipe or a socket): name a program file");
        }
        String kernel = OutputPlace.kernelFileSystem(file);
        if (kernel != null) {
            throw new UserError(name + " is on the kernel's " + kernel + " file system: not a program file");
        }
        if (!Files.isReadable(file)) {
            throw new UserError(name + ": cannot read it (permission denied)");
        }
        return file;
    }

    /**
     * The sources under {@code dir}, each checked before the assembler reads it, as the named
     * source is: an {@code .include} of a folder, a device ({@code /dev/zero} would never end), a
     * binary or a file that is not UTF-8 is an error at the {@code .include}, in one line.
     */
    private static SourceLoader checkedSources(Path dir) {
        SourceLoader files = SourceLoader.fileSystem(dir);
        return new SourceLoader() {
            @Override
            public String load(String name) throws IOException {
                Path file = dir.resolve(name);
                if (Files.notExists(file)) {
                    throw new NoSuchFileException(name);
                }
                try {
                    sourceBytes(file);
                } catch (NotASource e) {
                    throw new IOException(e.getMessage());
                }
                return files.load(name);
            }

            @Override
            public String resolve(String includingFile, String includeName) {
                return files.resolve(includingFile, includeName);
            }
        };
    }

    /** Why a file cannot be assembly source, in words that follow its name and a colon. */
    private static final class NotASource extends Exception {
        NotASource(String why) {
            super(why, null, false, false);
        }
    }

    /** The bytes of the source {@code file}, or why it is none. */
    private static byte[] sourceBytes(Path file) throws NotASource {
        if (Files.isDirectory(file)) {
            throw new NotASource("a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new NotASource("not a regular file (a device, a pipe or a socket)");
        }
        String kernel = OutputPlace.kernelFileSystem(file);
        if (kernel != null) {
            throw new NotASource("on the kernel's " + kernel + " file system, not a source file");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_SOURCE_BYTES) {
                throw new NotASource("too large for a program (" + size + " bytes; at most " + MAX_SOURCE_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new NotASource("cannot read it (" + OutputPlace.reason(e) + ")");
        }
        if (startsWith(bytes, IMAGE_MAGIC)) {
            throw new NotASource("not assembly source but a vmlab image: run or disassemble it as FILE.img");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new NotASource("not a text file (a NUL byte at " + where(bytes, i)
                        + "): an assembly source is UTF-8 text");
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            int at = firstMalformed(bytes);
            throw new NotASource("not UTF-8 text (byte 0x" + String.format("%02x", bytes[at] & 0xff)
                    + " at " + where(bytes, at) + "): save the source as UTF-8");
        }
        return bytes;
    }

    /**
     * Refuses a source the assembler would only stumble over: one empty, too large, binary (a NUL
     * byte, or an image file), or not UTF-8; the message says where.
     */
    private static void checkSource(Path file) {
        byte[] bytes;
        try {
            bytes = sourceBytes(file);
        } catch (NotASource e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw new UserError(file + " is empty: nothing to assemble");
        }
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read it (" + OutputPlace.reason(e) + ")");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The first few KiB of {@code file}, or nothing if it cannot be read. */
    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4096);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** "line 3, column 7" of byte {@code index} (columns count bytes). */
    private static String where(byte[] bytes, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (index - lineStart + 1);
    }

    /** The index of the first byte that does not belong to a well-formed UTF-8 sequence. */
    private static int firstMalformed(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }

    private static boolean looksLikeText(byte[] bytes) {
        if (bytes.length == 0) {
            return false;
        }
        for (byte b : bytes) {
            if (b == 0 || (b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t')) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A path as the user would write it: relative to the working directory when it is inside it. */
    private static String displayPath(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
