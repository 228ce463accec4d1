package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A board's state is a value: the clock with every pending event, and each device's registers and
 * records. A board built with the same configuration and restored from it is the same board: it
 * reports the same state, and goes on exactly as the original.
 */
class BoardStateTest {
    private static final DeviceConfig CONFIG = DeviceConfig.defaults().withDiskSectors(16)
            .withConsoleInput("typed").withDiskImage(new byte[] {1, 2, 3});

    private final PhysicalMemory memory = new PhysicalMemory(64 * 1024);
    private final Board board = new Board(new BoundedDma(memory, "RAM"), CONFIG);

    /** Lets time pass up to {@code tick} on {@code board}, every event at its own tick. */
    private static void runTo(Board board, long tick) {
        while (board.clock().nextDeadline() <= tick) {
            board.clock().advanceTo(board.clock().nextDeadline());
            board.clock().runDue();
        }
        board.clock().advanceTo(tick);
    }

    /** Every device busy: the timer running, input waiting, a disk read and a frame in flight, a balloon. */
    private void busy() {
        IoBus io = board.io();
        MmioBus mmio = board.mmio();
        io.out(0x21, 0xF0);                   // mask the lines the board does not use
        io.out(0x40, 300);                    // timer
        io.out(0x3F9, 1);                     // console: interrupt while input waits
        io.out(0x3F8, 'o');
        io.out(0x3F8, 'k');
        io.in(0x3F8);                         // the guest read one byte
        io.out(0x5C1, 3);                     // balloon: frames 3 and 5 given back, one refusal
        io.out(0x5C1, 5);
        io.out(0x5C1, 5);
        memory.writeWord(0x100, 0x200);       // transmit descriptor: 8 bytes at 0x200
        memory.writeWord(0x104, 8);
        memory.writeWord(0x180, 0x400);       // receive descriptor: 64 bytes at 0x400
        memory.writeWord(0x184, 64);
        mmio.write(0xF000_0000, 0x100);
        mmio.write(0xF000_0004, 2);
        mmio.write(0xF000_0010, 0x180);
        mmio.write(0xF000_0014, 2);
        mmio.write(0xF000_001C, 1);
        mmio.write(0xF000_0024, 3);           // both causes enabled
        mmio.write(0xF000_000C, 1);
        runTo(board, 700);                    // sent at 500, echo due at 2500
        io.out(0x1F1, 2);                     // disk: read sectors 0 and 1 to 0x1000
        io.out(0x1F2, 0x1000);
        io.out(0x1F3, 1);                     // completes at 1900
        runTo(board, 1000);
        board.pic().acknowledge();            // the timer's interrupt, in service
    }

    private Board restoredCopy() {
        PhysicalMemory otherMemory = new PhysicalMemory(64 * 1024);
        otherMemory.write(0, memory.read(0, memory.size()));
        Board other = new Board(new BoundedDma(otherMemory, "RAM"), CONFIG);
        other.restore(board.state(), board.clock().now());
        return other;
    }

    @Test
    void itsStateIsTheClockAndEveryDevice() {
        busy();
        Board.State state = board.state();

        assertThat(state.clock().pending()).extracting(e -> e.what().getClass().getSimpleName())
                .containsExactly("Expiry", "Request", "Arrival");
        assertThat(state.pic()).isEqualTo(new InterruptController.State(0b1010, 0xF0, 0b0001));
        assertThat(state.timer().period()).isEqualTo(300);
        assertThat(state.console().output()).containsExactly('o', 'k');
        assertThat(state.disk().status()).isEqualTo(BlockDevice.STATUS_BUSY);
        assertThat(state.nic().frames()).hasSize(1);
        assertThat(state).as("a value: equal to another capture of the same board")
                .isEqualTo(board.state()).hasSameHashCodeAs(board.state());
    }

    @Test
    void aBoardRestoredFromItsStateReportsTheSameStateAndGoesOnExactly() {
        busy();
        Board other = restoredCopy();

        assertThat(other.state()).isEqualTo(board.state());
        runTo(board, 5000);
        runTo(other, 5000);
        assertThat(other.state()).isEqualTo(board.state());
        assertThat(other.state().nic().frames()).hasSize(2);
        assertThat(other.observables().diskRequests()).hasSize(1);
    }

    @Test
    void aStateThatDoesNotFitIsRefusedAndTheBoardIsUnchanged() {
        busy();
        Board.State before = board.state();
        Board small = new Board(new BoundedDma(new PhysicalMemory(4096), "RAM"),
                CONFIG.withDiskSectors(4));
        Board.State other = small.state();

        assertThatThrownBy(() -> board.restore(other, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 sectors");
        assertThat(board.state()).isEqualTo(before);
    }
}
