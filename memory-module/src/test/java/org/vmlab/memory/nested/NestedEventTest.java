package org.vmlab.memory.nested;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Nested paging's own events: declared by the technique, documented with their sources. */
class NestedEventTest {

    @Test
    void nestedPagingDeclaresItsEventsAndThoseOfDirtyLogging() {
        assertThat(new NestedPaging(null).events()).startsWith(NestedEvent.ALL.toArray(new org.vmlab.vmm.VmmEvent[0]))
                .containsAll(org.vmlab.vmm.DirtyLog.EVENTS).hasSize(NestedEvent.ALL.size() + org.vmlab.vmm.DirtyLog.EVENTS.size());
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(NestedEvent.ALL);
    }
}
