package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** The paravirtual MMU's own event: declared by the technique, documented with its source. */
class PvMmuEventTest {

    @Test
    void thePvMmuDeclaresItsEvents() {
        assertThat(new PvMmu().events()).containsExactlyElementsOf(PvMmuEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(PvMmuEvent.ALL);
    }

    @Test
    void itIsFoundByNameAndDoesNotTakeTheMachine() {
        assertThat(new PvMmuTechnique().name()).isEqualTo(new PvMmu().name()).isEqualTo("pv-mmu");
        assertThat(new PvMmuTechnique().ownsTheMachine()).isFalse();
        assertThat(org.vmlab.vmm.Techniques.installed(getClass().getClassLoader()).memory("pv-mmu")).isPresent();
    }
}
