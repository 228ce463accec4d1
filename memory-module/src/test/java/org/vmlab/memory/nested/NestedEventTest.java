package org.vmlab.memory.nested;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Nested paging's own events: declared by the technique, documented with their sources. */
class NestedEventTest {

    @Test
    void nestedPagingDeclaresItsEvents() {
        assertThat(new NestedPaging(null).events()).containsExactlyElementsOf(NestedEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(NestedEvent.ALL);
    }
}
