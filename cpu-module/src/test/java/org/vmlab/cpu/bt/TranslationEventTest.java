package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.vmm.CostModelDocs;

/** Binary translation's own events: declared by the technique, documented with their sources. */
class TranslationEventTest {

    @Test
    void binaryTranslationDeclaresItsEvents() {
        assertThat(new BinaryTranslation(null, null).events()).containsExactlyElementsOf(TranslationEvent.ALL);
    }

    @Test
    void theMeasuredDefaultsAreAdamsAndAgesensFigures() {
        assertThat(TranslationEvent.CALLOUT.defaultCycles()).isEqualTo(1254);
        assertThat(TranslationEvent.IN_CACHE_EMULATION.defaultCycles()).isEqualTo(216);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(TranslationEvent.ALL);
    }
}
