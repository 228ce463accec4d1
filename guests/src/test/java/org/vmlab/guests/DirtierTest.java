package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;

/** The dirtier on bare metal: every pass stores its number into each of its pages, then it powers off. */
class DirtierTest {

    @Test
    void itStoresTheLastPassIntoEachOfItsPagesAndPowersOff() {
        Machine machine = new Machine(MachineConfig.defaults());
        machine.load(Dirtier.image(16, 100));

        RunResult result = machine.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        for (int page = 0; page < 16; page++) {
            assertThat(machine.memory().readWord(0x100000 + page * 4096)).as("page %d", page).isEqualTo(99);
        }
        assertThat(machine.memory().readWord(0x100000 + 16 * 4096)).as("the page after the last").isZero();
        assertThat(result.instructions()).isBetween(100L * 16 * 4, 100L * (16 * 4 + 8));
    }

    @Test
    void itRefusesSizesItCannotHold() {
        assertThatThrownBy(() -> Dirtier.image(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dirtier.image(4096, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
