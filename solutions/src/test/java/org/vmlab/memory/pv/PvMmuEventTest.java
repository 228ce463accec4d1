package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** The paravirtual MMU's own event: declared by the technique, documented with its source; its name. */
class PvMmuEventTest {

    @Test
    void thePvMmuDeclaresItsEvents() {
        assertThat(new PvMmu(new org.vmlab.labs.lab4.DirectPagingRules()).events()).containsExactlyElementsOf(PvMmuEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(PvMmuEvent.ALL);
    }

    @Test
    void itIsNamedPvMmuAndDoesNotTakeTheMachine() {
        PvMmu mmu = new PvMmu(new org.vmlab.labs.lab4.DirectPagingRules());
        assertThat(mmu.name()).isEqualTo("pv-mmu");
        assertThat(mmu.ownsTheMachine()).isFalse();
    }

    @Test
    void theOnlyPvMmuRegisteredIsLab4s() {
        // Its rules are Lab 4's: the technique is registered by the labs and the solutions, never
        // by memory-module itself (which would give students the mechanism with working rules).
        assertThat(org.vmlab.vmm.Techniques.installed(getClass().getClassLoader()).memory("pv-mmu"))
                .get().isInstanceOf(org.vmlab.labs.lab4.PvMmuTechnique.class);
    }
}
