package org.vmlab.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.vmlab.asm.Disassembler;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.image.Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmlab disasm}: print an image's listing, with its symbols. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble an image (.img), a source file (.s, assembled first) or toyos.")
final class DisasmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROGRAM", description = "toyos, FILE.s or FILE.img")
    String program;

    @Override
    public Integer call() {
        Image image = Programs.load(program, Toyos.Flavor.NATIVE, Map.of());
        spec.commandLine().getOut().print(new Disassembler().listing(image));
        return 0;
    }
}
