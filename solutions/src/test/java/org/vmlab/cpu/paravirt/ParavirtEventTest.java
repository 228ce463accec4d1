package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Paravirtualization's own events: declared by the technique, documented with their sources. */
class ParavirtEventTest {

    @Test
    void paravirtualizationDeclaresItsEvents() {
        assertThat(new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()).events()).containsExactlyElementsOf(ParavirtEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(ParavirtEvent.ALL);
    }
}
