package org.vmlab.memory.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Shadow paging's own events: declared by the technique, documented with their sources. */
class ShadowEventTest {

    @Test
    void shadowPagingDeclaresItsEventsAndThoseOfDirtyLogging() {
        assertThat(new ShadowPaging(null).events()).startsWith(ShadowEvent.ALL.toArray(new org.vmlab.vmm.VmmEvent[0]))
                .containsAll(org.vmlab.vmm.DirtyLog.EVENTS).hasSize(ShadowEvent.ALL.size() + org.vmlab.vmm.DirtyLog.EVENTS.size());
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(ShadowEvent.ALL);
    }
}
