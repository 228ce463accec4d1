package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;

/** Helpers that keep the specification tests short. */
final class Sources {
    private Sources() {
    }

    static Image assemble(String source) {
        try {
            return Assembler.assembleSource("t.s", source, Map.of());
        } catch (AssemblyException e) {
            throw new AssertionError("unexpected errors:\n" + e.getMessage(), e);
        }
    }

    /** The words of the only segment. */
    static int[] words(String source) {
        Segment s = assemble(source).segments().get(0);
        int[] words = new int[(s.size() + 3) / 4];
        for (int i = 0; i < words.length; i++) {
            words[i] = s.wordAt(s.address() + 4 * i);
        }
        return words;
    }

    static int word(String source) {
        return words(source)[0];
    }

    static byte[] bytes(String source) {
        return assemble(source).segments().get(0).bytes();
    }

    /** The errors of assembling {@code source} as file {@code t.s}, as strings. */
    static List<String> errors(String source) {
        return errors(Map.of("t.s", source), "t.s");
    }

    static List<String> errors(Map<String, String> files, String main) {
        AssemblyException[] caught = new AssemblyException[1];
        assertThatThrownBy(() -> {
            try {
                new Assembler(SourceLoader.of(files)).assemble(main, Map.of());
            } catch (AssemblyException e) {
                caught[0] = e;
                throw e;
            }
        }).isInstanceOf(AssemblyException.class);
        return caught[0].errors().stream().map(AsmError::toString).toList();
    }
}
