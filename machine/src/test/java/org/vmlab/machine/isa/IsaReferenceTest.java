package org.vmlab.machine.isa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IsaReferenceTest {

    @Test
    void docsIsaMdShowsTheInstructionTableAsTheCodeHasIt() throws IOException {
        Path page = Path.of("..", "docs", "isa.md");
        String text = Files.readString(page);

        assertThat(IsaReference.update(text))
                .as("docs/isa.md is stale: run `java -cp vmm-core/target/classes "
                        + "org.vmlab.machine.isa.IsaReference docs/isa.md`")
                .isEqualTo(text);
    }

    @Test
    void everyInstructionHasARowInTheReference() {
        String generated = IsaReference.generated();

        for (Opcode op : Opcode.values()) {
            assertThat(generated).contains("`" + op.mnemonic());
        }
    }
}
