package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The interrupt controller: an 8259A with eight lines, a mask and fully nested priority. */
class InterruptControllerTest {
    private final InterruptController pic = new InterruptController();

    @Test
    void nothingIsDeliverableUntilALineIsRequested() {
        assertThat(pic.hasDeliverable()).isFalse();
        assertThat(pic.acknowledge()).isEqualTo(-1);
    }

    @Test
    void acknowledgeTakesTheHighestPriorityLineAndVectorsAt32PlusLine() {
        pic.request(5);
        pic.request(2);

        assertThat(pic.acknowledge()).isEqualTo(34);
        assertThat(pic.inService()).isEqualTo(1 << 2);
        assertThat(pic.pending()).isEqualTo(1 << 5);
    }

    @Test
    void whileALineIsInServiceOnlyHigherPriorityLinesInterrupt() {
        pic.request(2);
        pic.acknowledge();

        pic.request(3);
        assertThat(pic.hasDeliverable()).as("lower priority waits").isFalse();
        pic.request(2);
        assertThat(pic.hasDeliverable()).as("equal priority waits").isFalse();

        pic.request(0);
        assertThat(pic.acknowledge()).as("higher priority nests").isEqualTo(32);
        assertThat(pic.inService()).isEqualTo(0b101);
    }

    @Test
    void endOfInterruptRetiresTheHighestPriorityLineInService() {
        pic.request(2);
        pic.acknowledge();
        pic.request(0);
        pic.acknowledge();
        pic.request(3);

        pic.out(0, InterruptController.EOI);
        assertThat(pic.inService()).isEqualTo(1 << 2);
        assertThat(pic.hasDeliverable()).isFalse();

        pic.out(0, InterruptController.EOI);
        assertThat(pic.inService()).isZero();
        assertThat(pic.acknowledge()).isEqualTo(35);
    }

    @Test
    void otherCommandValuesAreIgnored() {
        pic.request(1);
        pic.acknowledge();
        pic.out(0, 0x21);
        assertThat(pic.inService()).isEqualTo(1 << 1);
    }

    @Test
    void aMaskedLineStaysPendingUntilUnmasked() {
        pic.out(1, 1 << 4);
        pic.request(4);

        assertThat(pic.hasDeliverable()).isFalse();
        assertThat(pic.in(0)).as("pending port").isEqualTo(1 << 4);

        pic.out(1, 0);
        assertThat(pic.acknowledge()).isEqualTo(36);
    }

    @Test
    void maskingAHigherLineLetsALowerOneThrough() {
        pic.out(1, 1);
        pic.request(0);
        pic.request(6);
        assertThat(pic.acknowledge()).isEqualTo(38);
    }

    @Test
    void portsShowPendingMaskAndInService() {
        pic.out(1, 0x1FF);
        pic.request(7);
        pic.out(1, 0);
        pic.acknowledge();
        pic.request(3);

        assertThat(pic.in(0)).isEqualTo(1 << 3);
        assertThat(pic.in(1)).isZero();
        assertThat(pic.in(2)).isEqualTo(1 << 7);
        pic.out(1, 0x1FF);
        assertThat(pic.in(1)).as("eight lines, eight mask bits").isEqualTo(0xFF);
    }

    @Test
    void requestsOnAPendingLineMerge() {
        pic.request(1);
        pic.request(1);
        pic.acknowledge();
        pic.endOfInterrupt();
        assertThat(pic.hasDeliverable()).isFalse();
    }

    @Test
    void aWithdrawnRequestIsNotDelivered() {
        pic.request(1);
        pic.withdraw(1);
        assertThat(pic.hasDeliverable()).isFalse();
    }

    @Test
    void withdrawingDoesNotEndAnInterruptInService() {
        pic.request(1);
        pic.acknowledge();
        pic.withdraw(1);
        assertThat(pic.inService()).isEqualTo(1 << 1);
    }

    @Test
    void thereAreEightLines() {
        assertThatThrownBy(() -> pic.request(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pic.withdraw(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsStateIsItsPendingMaskedAndInServiceLines() {
        pic.request(1);
        pic.request(4);
        pic.acknowledge();
        pic.out(1, 0x80);
        InterruptController.State state = pic.state();
        assertThat(state).isEqualTo(new InterruptController.State(1 << 4, 0x80, 1 << 1));

        InterruptController restored = new InterruptController();
        restored.restore(state);

        assertThat(restored.state()).isEqualTo(state);
        assertThat(restored.acknowledge()).as("line 4 waits for line 1's end of interrupt").isEqualTo(-1);
        restored.endOfInterrupt();
        assertThat(restored.acknowledge()).isEqualTo(36);
    }

    @Test
    void aStateNamesOnlyItsEightLines() {
        assertThatThrownBy(() -> new InterruptController.State(1 << 8, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
