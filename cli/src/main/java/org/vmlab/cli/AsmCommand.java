package org.vmlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vmlab.asm.Disassembler;
import org.vmlab.machine.image.Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmlab asm}: assemble a source file into an image. */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = {"Assemble a source file into a loadable image (.img).",
                "Errors are reported as file:line:col: message, with exit code 2.",
                "The syntax is in docs/assembler.md."})
final class AsmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE.s", description = "The assembly source.")
    String source;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.img",
            description = "Where to write the image (default: the source's name with .img).")
    Path output;

    @Option(names = "-D", paramLabel = "NAME=VALUE", mapFallbackValue = "1",
            converter = {Converters.SymbolName.class, Converters.AsmNumber.class},
            description = "Define a symbol before the first line, as .equ does; VALUE is a number as the"
                    + " assembler writes one (16, 0x10, 0b10000, -1, 'A'; default 1).")
    Map<String, Integer> defines = new LinkedHashMap<>();

    @Option(names = "--listing", description = "Also print the disassembled listing.")
    boolean listing;

    @Override
    public Integer call() {
        Path file = Programs.existingFile(source);
        Path out = output != null ? output : defaultOutput(file);
        if (out.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            throw new UserError(out + " is the source itself: name the image FILE.img (-o)");
        }
        OutputPlace.checkResultFile("-o", out.toString());
        Image image = Programs.assemble(file, defines);
        try (OutputStream stream = Files.newOutputStream(out)) {
            image.write(stream);
        } catch (IOException e) {
            throw new UserError("-o " + out + ": cannot write the image (" + OutputPlace.reason(e) + ")");
        }
        int bytes = image.segments().stream().mapToInt(s -> s.size()).sum();
        spec.commandLine().getOut().printf("%s: %d segment(s), %d bytes, %d symbols, entry 0x%08x%n",
                out, image.segments().size(), bytes, image.symbols().size(), image.entry());
        if (listing) {
            spec.commandLine().getOut().print(new Disassembler().listing(image));
        }
        return 0;
    }

    private static Path defaultOutput(Path source) {
        String name = source.getFileName().toString();
        String base = name.endsWith(".s") ? name.substring(0, name.length() - 2) : name;
        return source.resolveSibling(base + ".img");
    }
}
