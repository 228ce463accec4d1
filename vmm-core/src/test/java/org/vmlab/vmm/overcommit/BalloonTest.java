package org.vmlab.vmm.overcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The VMM's end of a VM's balloon: a frame the guest gives back releases its machine frame, which
 * another VM then gets zeroed; a frame it takes back reads as zeros; whatever a guest writes to
 * the device, nothing throws out of the VMM, and every refusal is counted.
 */
class BalloonTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int FRAMES = 16;

    private final Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(1 << 20).build(),
            VmmCostModel.DEFAULT);

    private VirtualMachine vm(String name, String populate) {
        return vmm.create(new VmConfig(name, FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()), null,
                new PageSharingScannerTest.NoMemory(populate));
    }

    /** The guest's {@code out} to the balloon's port at {@code offset}. */
    private static void out(VirtualMachine vm, int offset, int value) {
        vm.devices().io().out(BalloonDevice.BASE + offset, value);
    }

    private static int in(VirtualMachine vm, int offset) {
        return vm.devices().io().in(BalloonDevice.BASE + offset);
    }

    @Test
    void inflatingReleasesTheMachineFrameAndAnotherVmGetsItZeroed() {
        VirtualMachine a = vm("a", null);
        VirtualMachine b = vm("b", null);
        a.memory().writeWord(3 * PAGE, 0x5EC2E7);
        int mfn = ((P2mEntry.Backed) a.memory().entry(3)).mfn();
        int free = vmm.frames().freeFrames();

        out(a, BalloonDevice.INFLATE_PORT, 3);

        assertThat(in(a, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.ACCEPTED);
        assertThat(a.memory().isBallooned(3)).isTrue();
        assertThat(vmm.frames().freeFrames()).isEqualTo(free + 1);
        assertThat(a.counters().named(Balloon.INFLATED)).isEqualTo(1);
        assertThat(a.counters().named(Balloon.RECLAIMED)).isEqualTo(1);
        assertThat(a.counters().named(Balloon.SIZE)).isEqualTo(1);
        b.memory().machineFrame(0);   // b's first use of a frame
        assertThat(b.memory().entry(0)).as("the frame a gave back").isEqualTo(new P2mEntry.Ram(mfn));
        assertThat(b.memory().readWord(0)).as("zeroed: b never sees a's data").isZero();
    }

    @Test
    void aFrameNeverTouchedIsGivenBackWithNothingToReclaim() {
        VirtualMachine a = vm("a", null);

        out(a, BalloonDevice.INFLATE_PORT, 9);

        assertThat(a.balloon().size()).isEqualTo(1);
        assertThat(a.counters().named(Balloon.RECLAIMED)).isZero();
    }

    @Test
    void deflatingGivesTheFrameBackReadingAsZeros() {
        VirtualMachine a = vm("a", null);
        a.memory().writeWord(3 * PAGE, 42);
        out(a, BalloonDevice.INFLATE_PORT, 3);

        out(a, BalloonDevice.DEFLATE_PORT, 3);

        assertThat(in(a, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.ACCEPTED);
        assertThat(a.memory().isBallooned(3)).isFalse();
        assertThat(a.memory().readWord(3 * PAGE)).isZero();
        assertThat(a.counters().named(Balloon.DEFLATED)).isEqualTo(1);
        assertThat(a.counters().named(Balloon.SIZE)).isZero();
    }

    @Test
    void touchingABalloonedFrameIsTheGuestsErrorNamingTheFrame() {
        VirtualMachine a = vm("a", null);
        out(a, BalloonDevice.INFLATE_PORT, 5);

        assertThatThrownBy(() -> a.memory().readWord(5 * PAGE + 8))
                .isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class)
                .hasMessage("a touched guest frame 0x00005, which it had given back to the VMM (ballooned out)");
    }

    @Test
    void bogusFrameNumbersAreRefusedAndCountedNeverThrown() {
        VirtualMachine a = vm("a", null);
        int free = vmm.frames().freeFrames();

        out(a, BalloonDevice.INFLATE_PORT, -1);
        assertThat(in(a, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.NOT_RAM);
        out(a, BalloonDevice.INFLATE_PORT, FRAMES);
        assertThat(in(a, BalloonDevice.STATUS_PORT)).as("one past guest RAM").isEqualTo(BalloonDevice.NOT_RAM);
        out(a, BalloonDevice.DEFLATE_PORT, 2);
        assertThat(in(a, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.WRONG_STATE);
        out(a, BalloonDevice.INFLATE_PORT, 2);
        out(a, BalloonDevice.INFLATE_PORT, 2);
        assertThat(in(a, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.WRONG_STATE);

        assertThat(a.counters().named(Balloon.REJECTED)).isEqualTo(4);
        assertThat(a.balloon().rejected()).isEqualTo(4);
        assertThat(a.balloon().size()).isEqualTo(1);
        assertThat(vmm.frames().freeFrames()).isEqualTo(free);
    }

    @Test
    void memoryWhoseFramesMayNotMoveRefusesTheBalloon() {
        VirtualMachine pinned = vm("pinned", "its frames are mapped by a device");

        out(pinned, BalloonDevice.INFLATE_PORT, 1);

        assertThat(in(pinned, BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.REFUSED);
        assertThat(pinned.memory().isBallooned(1)).isFalse();
        assertThat(pinned.counters().named(Balloon.REJECTED)).isEqualTo(1);
    }

    @Test
    void theTargetIsWhatTheGuestReadsBoundedByItsMemory() {
        VirtualMachine a = vm("a", null);

        a.balloon().setTarget(5);
        assertThat(in(a, BalloonDevice.TARGET_PORT)).isEqualTo(5);
        a.balloon().setTarget(1000);
        assertThat(a.balloon().target()).isEqualTo(FRAMES);
        assertThat(new IoBus().in(BalloonDevice.BASE)).as("no balloon on an empty bus").isEqualTo(IoBus.FLOATING);
    }
}
