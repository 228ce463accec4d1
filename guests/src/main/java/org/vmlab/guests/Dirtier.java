package org.vmlab.guests;

import java.util.Map;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.image.Image;

/**
 * A guest that dirties memory faster than live migration's link copies it ({@code
 * migration/dirtier.s}): pass after pass it stores into the first word of each of its pages, so
 * that its writable working set [Clark et al., NSDI 2005, §4] is every one of them, dirty again
 * long before a round of pre-copy has sent them once. Pre-copy cannot converge on it; the
 * stop-and-copy must move it, and lose none of its stores.
 */
public final class Dirtier {
    /** The source, on the class path. */
    public static final String SOURCE = "org/vmlab/guests/migration/dirtier.s";
    /** The pages it dirties unless told otherwise: half a megabyte. */
    public static final int PAGES = 128;
    /** Its passes over them unless told otherwise: some 20 million instructions. */
    public static final int PASSES = 40_000;

    private Dirtier() {
    }

    /** The guest with its default pages and passes. */
    public static Image image() {
        return image(PAGES, PASSES);
    }

    /**
     * The guest dirtying {@code pages} pages {@code passes} times.
     *
     * @throws IllegalArgumentException unless 1 <= pages <= 2048 (8 MiB from 1 MiB on) and 1 <= passes <= 1,000,000
     */
    public static Image image(int pages, int passes) {
        if (pages < 1 || pages > 2048 || passes < 1 || passes > 1_000_000) {
            throw new IllegalArgumentException("the dirtier takes 1..2048 pages and 1..1000000 passes, not " + pages
                    + " and " + passes);
        }
        try {
            return new Assembler(SourceLoader.classpath(Dirtier.class.getClassLoader()))
                    .assemble(SOURCE, Map.of("PAGES", pages, "PASSES", passes));
        } catch (AssemblyException e) {
            throw new IllegalStateException("the dirtier does not assemble: " + e.getMessage(), e);
        }
    }
}
