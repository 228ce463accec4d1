package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console: output collected and capped, input given up front, line 1 while input waits. */
class ConsoleTest {
    private final Bench bench = new Bench();

    private static void print(Console console, String text) {
        for (char c : text.toCharArray()) {
            console.out(0, c);
        }
    }

    @Test
    void eachWriteToTheDataPortIsOneByteOfOutput() {
        Console console = new Console(bench.pic, "");
        print(console, "hello\n");
        console.out(0, 0x1234_5621);   // only the low 8 bits: '!'

        assertThat(console.output()).isEqualTo("hello\n!");
    }

    @Test
    void outputIsUtf8() {
        Console console = new Console(bench.pic, "");
        for (byte b : "é".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            console.out(0, b);
        }
        assertThat(console.output()).isEqualTo("é");
    }

    @Test
    void inputIsReadByteByByteThenReadsAllOnes() {
        Console console = new Console(bench.pic, "ok");

        assertThat(console.in(1)).as("status: input available").isEqualTo(1);
        assertThat(console.in(0)).isEqualTo('o');
        assertThat(console.in(0)).isEqualTo('k');
        assertThat(console.in(1)).isZero();
        assertThat(console.in(0)).isEqualTo(Console.NO_INPUT).isEqualTo(0xFFFF_FFFF);
    }

    @Test
    void outputBeyondTheCapIsCountedAndDropped() {
        Console console = new Console(bench.pic, "", 4);
        print(console, "abcdefg");

        assertThat(console.output()).isEqualTo("abcd");
        assertThat(console.droppedBytes()).isEqualTo(3);
    }

    @Test
    void theDefaultCapIsOneMebibyte() {
        Console console = new Console(bench.pic, "");
        for (int i = 0; i < (1 << 20) + 10; i++) {
            console.out(0, 'x');
        }
        assertThat(console.outputBytes()).hasSize(1 << 20);
        assertThat(console.droppedBytes()).isEqualTo(10);
    }

    @Test
    void noInterruptUnlessEnabled() {
        new Console(bench.pic, "abc");
        assertThat(bench.pending(Console.LINE)).isFalse();
    }

    @Test
    void enablingRaisesLine1WhileInputIsAvailable() {
        Console console = new Console(bench.pic, "ab");
        console.out(1, 1);
        assertThat(bench.pic.acknowledge()).isEqualTo(33);

        console.in(0);   // the handler reads one byte; one remains
        bench.pic.endOfInterrupt();
        assertThat(bench.pic.acknowledge()).as("raised again for the next byte").isEqualTo(33);

        console.in(0);   // the last byte
        bench.pic.endOfInterrupt();
        assertThat(bench.pic.hasDeliverable()).isFalse();
    }

    @Test
    void drainingTheInputWithdrawsARequestNotYetTaken() {
        Console console = new Console(bench.pic, "abc");
        console.out(1, 1);
        while (console.in(1) != 0) {
            console.in(0);   // polling, with interrupts still off in the CPU
        }
        assertThat(bench.pic.hasDeliverable()).isFalse();
    }

    @Test
    void disablingLowersTheLine() {
        Console console = new Console(bench.pic, "abc");
        console.out(1, 1);
        console.out(1, 0);
        assertThat(bench.pic.hasDeliverable()).isFalse();
    }

    @Test
    void enablingWithNoInputRaisesNothing() {
        Console console = new Console(bench.pic, "");
        console.out(1, 1);
        assertThat(bench.pic.hasDeliverable()).isFalse();
    }

    @Test
    void itsStateIsTheUnreadInputTheInterruptBitAndTheOutput() {
        Console console = new Console(bench.pic, "abc", 4);
        console.in(0);
        console.out(1, 1);
        print(console, "hello");
        Console.State state = console.state();
        assertThat(state).isEqualTo(new Console.State("bc".getBytes(StandardCharsets.UTF_8), true,
                "hell".getBytes(StandardCharsets.UTF_8), 1));

        Bench other = new Bench();
        Console restored = new Console(other.pic, "something else", 4);
        other.restoreFrom(bench);
        restored.restore(state);

        assertThat(restored.state()).isEqualTo(state);
        assertThat(other.pending(Console.LINE)).as("raised before the capture, as it was").isTrue();
        assertThat(restored.in(0)).as("the input goes on where it stopped").isEqualTo('b');
        assertThat(restored.output()).isEqualTo("hell");
    }

    @Test
    void itsStateComparesByContentAndIsCopiedInAndOut() {
        byte[] output = {'o', 'k'};
        Console.State state = new Console.State(new byte[0], false, output, 0);
        output[0] = 'n';
        state.output()[1] = 'o';

        assertThat(state).isEqualTo(new Console.State(new byte[0], false, new byte[] {'o', 'k'}, 0))
                .hasSameHashCodeAs(new Console.State(new byte[0], false, new byte[] {'o', 'k'}, 0));
    }

    @Test
    void outputBeyondTheCapIsRefused() {
        Console console = new Console(bench.pic, "", 1);
        assertThatThrownBy(() -> console.restore(new Console.State(new byte[0], false, new byte[] {1, 2}, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cap of 1");
    }
}
