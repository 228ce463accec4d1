package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Techniques;

/** The command line finds paravirtualization by name, as a technique for a paravirtual kernel. */
class ParavirtTechniqueTest {
    @Test
    void itIsRegisteredAsParavirtAndMakesAFreshInstanceForEachVm() {
        CpuTechnique technique = Techniques.installed(getClass().getClassLoader()).cpu("paravirt").orElseThrow();

        assertThat(technique.paravirtual()).isTrue();
        assertThat(technique.description()).doesNotContain("\n");
        assertThat(technique.create()).isInstanceOf(Paravirtualization.class).isNotSameAs(technique.create());
    }
}
