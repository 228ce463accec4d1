package org.vmlab.vmm;

import org.junit.jupiter.api.Test;

/** Dirty logging's events, which the memory techniques that log list: documented with their sources. */
class DirtyLogEventTest {

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(DirtyLog.EVENTS);
    }
}
