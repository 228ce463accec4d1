package org.vmlab.cpu.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Hardware assistance's own events: declared by the technique, documented with their sources. */
class VmxEventTest {

    @Test
    void hardwareAssistDeclaresItsEvents() {
        assertThat(new HardwareAssist((vm, insn) -> { }, null, null).events()).containsExactlyElementsOf(VmxEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(VmxEvent.ALL);
    }
}
