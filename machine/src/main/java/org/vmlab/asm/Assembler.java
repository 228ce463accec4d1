package org.vmlab.asm;

import java.util.Map;
import org.vmlab.machine.image.Image;

/**
 * The assembler: turns assembly source into a loadable {@link Image}.
 *
 * <p>The language is described in {@code docs/assembler.md}. An assembler holds only its
 * {@link SourceLoader}; every call to {@link #assemble} is independent, so one assembler may be
 * shared.
 */
public final class Assembler {
    private final SourceLoader loader;

    /** An assembler that reads sources (the main file and its includes) through {@code loader}. */
    public Assembler(SourceLoader loader) {
        this.loader = loader;
    }

    /**
     * Assembles the file {@code fileName} and everything it includes.
     *
     * @param defines symbols defined as if by {@code .equ} before the first line, for instance
     *                {@code PARAVIRT=1} to select a configuration with {@code .ifdef}
     * @throws AssemblyException with every error found (up to a cap), each as
     *                           {@code file:line:col: message}; whatever the source, nothing else
     *                           (should the assembler itself fail, that too is reported as an
     *                           error at the line it was assembling)
     */
    public Image assemble(String fileName, Map<String, Integer> defines) throws AssemblyException {
        Assembly assembly = new Assembly(loader);
        try {
            return assembly.run(fileName, defines);
        } catch (RuntimeException | StackOverflowError e) {
            // A last resort: every input the assembler knows to be hard has its own limit and
            // error; this turns a bug (or a failing SourceLoader) into an error at a line.
            throw assembly.internalError(fileName, e);
        }
    }

    /** Assembles {@code fileName} with no defines. */
    public Image assemble(String fileName) throws AssemblyException {
        return assemble(fileName, Map.of());
    }

    /**
     * Assembles one source text, named {@code fileName} in error messages. It may not include
     * other files.
     */
    public static Image assembleSource(String fileName, String source, Map<String, Integer> defines)
            throws AssemblyException {
        return new Assembler(SourceLoader.of(Map.of(fileName, source))).assemble(fileName, defines);
    }

    /** Assembles one source text, named {@code <source>} in error messages. */
    public static Image assembleSource(String source) throws AssemblyException {
        return assembleSource("<source>", source, Map.of());
    }
}
