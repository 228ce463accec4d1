package org.vmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * {@link UserError}.
 */
final class Programs {
    static final String TOYOS = "toyos";

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

    /** Assembles the source {@code file}; errors become one {@code file:line:col: message} line each. */
    static Image assemble(Path file, Map<String, Integer> defines) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            return new Assembler(SourceLoader.fileSystem(dir))
                    .assemble(file.getFileName().toString(), defines);
        } catch (AssemblyException e) {
            String lines = e.errors().stream().map(err -> {
                Path shown = dir.resolve(err.file());
                return new org.vmlab.asm.AsmError(displayPath(shown), err.line(), err.column(),
                        err.message()).toString();
            }).collect(Collectors.joining("\n"));
            throw UserError.located(lines);
        }
    }

    static Image readImage(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Image.read(in);
        } catch (IOException e) {
            throw new UserError(file + ": not a vmlab image: " + e.getMessage());
        }
    }

    static Path existingFile(String name) {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new UserError(name + ": no such file"
                    + (name.contains(".") ? "" : " (the built-in guest is '" + TOYOS + "')"));
        }
        return file;
    }

    /** A path as the user would write it: relative to the working directory when it is inside it. */
    private static String displayPath(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
