package org.vmlab.memory.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Shadow paging's own events: declared by the technique, documented with their sources. */
class ShadowEventTest {

    @Test
    void shadowPagingDeclaresItsEvents() {
        assertThat(new ShadowPaging(null).events()).containsExactlyElementsOf(ShadowEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(ShadowEvent.ALL);
    }
}
