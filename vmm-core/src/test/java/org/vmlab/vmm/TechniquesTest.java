package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Techniques are found by name, and a name means one technique: a second one is refused, not hidden. */
class TechniquesTest {

    private record Named(String name) implements MemoryTechnique {
        @Override
        public String description() {
            return "a test technique";
        }

        @Override
        public MemoryVirtualization create() {
            return new IdentityMemory();
        }
    }

    private record AlsoNamed(String name) implements MemoryTechnique {
        @Override
        public String description() {
            return "another test technique";
        }

        @Override
        public MemoryVirtualization create() {
            return new IdentityMemory();
        }
    }

    @Test
    void aTechniqueIsFoundByItsName() {
        Techniques techniques = new Techniques(List.of(), List.of(new Named("a"), new Named("b")), List.of(), List.of());

        assertThat(techniques.memory("b")).hasValue(new Named("b"));
        assertThat(techniques.memory("c")).isEmpty();
        assertThat(techniques.memoryNames()).containsExactly("a", "b");
    }

    @Test
    void twoTechniquesOfOneNameAreRefusedNamingBothClasses() {
        assertThatThrownBy(() -> new Techniques(List.of(), List.of(new Named("shadow"), new AlsoNamed("shadow")), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("two memory techniques are named 'shadow': org.vmlab.vmm.TechniquesTest$Named and"
                        + " org.vmlab.vmm.TechniquesTest$AlsoNamed");
    }
}
