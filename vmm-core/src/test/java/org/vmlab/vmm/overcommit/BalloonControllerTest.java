package org.vmlab.vmm.overcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The memory policy of an overcommitted machine (Waldspurger, OSDI 2002, sections 3, 5 and 6):
 * below the low-water mark it asks the VM with the fewest shares per page for frames back, up to
 * the high-water mark; above the high-water mark it gives them back; a VM that does not respond
 * is not replaced by another victim, and sharing gets extra passes instead; idle pages, taxed,
 * make a VM the victim sooner.
 */
class BalloonControllerTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int FRAMES = 16;
    private static final int MACHINE_FRAMES = 32;

    private final Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(MACHINE_FRAMES * PAGE).build(),
            VmmCostModel.DEFAULT);

    private VirtualMachine vm(String name, int framesTouched) {
        VirtualMachine vm = vmm.create(new VmConfig(name, FRAMES * PAGE, FRAMES, 1000, DeviceConfig.defaults()), null,
                new PageSharingScannerTest.NoMemory(null));
        for (int gfn = 0; gfn < framesTouched; gfn++) {
            vm.memory().writeWord(gfn * PAGE, name.hashCode() + gfn);
        }
        return vm;
    }

    /** The guest's driver, as toyos's: gives back its highest frames until it holds the target. */
    private static void poll(VirtualMachine vm) {
        for (int gfn = FRAMES - 1; vm.balloon().size() < vm.balloon().target() && gfn >= 0; gfn--) {
            if (!vm.memory().isBallooned(gfn)) {
                vm.devices().io().out(BalloonDevice.BASE + BalloonDevice.INFLATE_PORT, gfn);
            }
        }
        for (int gfn = 0; vm.balloon().size() > vm.balloon().target() && gfn < FRAMES; gfn++) {
            if (vm.memory().isBallooned(gfn)) {
                vm.devices().io().out(BalloonDevice.BASE + BalloonDevice.DEFLATE_PORT, gfn);
            }
        }
    }

    private BalloonController policy(double tax, PageSharingScanner fallback) {
        return new BalloonController(vmm, 8, 16, new IdleMemoryTax(tax, 4, 1), fallback);
    }

    @Test
    void belowTheLowWaterMarkTheVmWithTheFewestSharesPerPageGivesBackUpToTheHighWaterMark() {
        VirtualMachine big = vm("big", 16);
        VirtualMachine small = vm("small", 10);
        BalloonController policy = policy(0, null);
        assertThat(vmm.frames().freeFrames()).isEqualTo(6);

        policy.afterSlice(small);

        assertThat(big.balloon().target()).as("16 - 6 free").isEqualTo(10);
        assertThat(small.balloon().target()).isZero();
        policy.afterSlice(small);
        assertThat(big.balloon().target()).as("the frames asked for are on their way: no more").isEqualTo(10);
        poll(big);
        assertThat(vmm.frames().freeFrames()).isEqualTo(16);
        assertThat(big.counters().named(Balloon.RECLAIMED)).isEqualTo(10);
        policy.afterSlice(big);
        assertThat(big.balloon().target()).isEqualTo(10);
        assertThat(policy.targetChanges()).isEqualTo(1);
    }

    @Test
    void sharesDecideWhoGivesBack() {
        VirtualMachine big = vm("big", 16);
        VirtualMachine small = vm("small", 10);
        BalloonController policy = policy(0, null);
        policy.setShares(big, 4000);

        policy.afterSlice(big);

        assertThat(small.balloon().target()).isEqualTo(10);
        assertThat(big.balloon().target()).isZero();
        assertThatThrownBy(() -> policy.setShares(big, 0)).hasMessage("shares must be positive, was 0");
    }

    @Test
    void aboveTheHighWaterMarkTheBalloonDeflates() {
        VirtualMachine big = vm("big", 16);
        VirtualMachine small = vm("small", 10);
        BalloonController policy = policy(0, null);
        policy.afterSlice(small);
        poll(big);

        vmm.remove(small);   // its 10 frames are free again: 26 > 16
        policy.afterSlice(big);

        assertThat(big.balloon().target()).isZero();
        poll(big);
        assertThat(big.balloon().size()).isZero();
        assertThat(big.counters().named(Balloon.DEFLATED)).isEqualTo(10);
    }

    @Test
    void aVmThatIgnoresItsTargetIsNotReplacedByAnotherVictimButSharingGetsExtraPasses() {
        VirtualMachine refuser = vm("refuser", 16);
        VirtualMachine other = vm("other", 10);
        PageSharingScanner scanner = new PageSharingScanner(vmm, 4, new MechanismRules());
        BalloonController policy = policy(0, scanner);

        for (int slice = 0; slice < 2 * BalloonController.STALLED_SLICES; slice++) {
            policy.afterSlice(refuser);
            policy.afterSlice(other);
            poll(other);   // the other's driver polls; the refuser's never does
        }

        assertThat(policy.unresponsive(refuser)).isTrue();
        assertThat(refuser.balloon().target()).isPositive();
        assertThat(refuser.balloon().size()).isZero();
        assertThat(other.balloon().target()).as("no other VM is hurt").isZero();
        assertThat(policy.sharingPasses()).isPositive();
        assertThat(scanner.scanned()).isPositive();
    }

    @Test
    void idlePagesTaxedMakeAVmTheVictimSooner() {
        VirtualMachine busy = vm("busy", 12);
        VirtualMachine idle = vm("idle", 11);
        BalloonController untaxed = policy(0, null);
        BalloonController taxed = policy(IdleMemoryTax.DEFAULT_RATE, null);
        for (int period = 0; period < 6; period++) {
            for (int gfn = 0; gfn < 12; gfn++) {
                busy.memory().writeWord(gfn * PAGE + 4, period);   // every page of busy's written
            }
            for (BalloonController policy : new BalloonController[] {untaxed, taxed}) {
                policy.afterSlice(busy);
                policy.afterSlice(idle);
            }
        }

        assertThat(untaxed.sharesPerPage(busy)).as("plain shares per page: busy has more pages")
                .isLessThan(untaxed.sharesPerPage(idle));
        assertThat(taxed.sharesPerPage(idle)).as("taxed: idle's pages cost more")
                .isLessThan(taxed.sharesPerPage(busy));
    }

    @Test
    void theWaterMarksAndTheTaxRateAreChecked() {
        assertThatThrownBy(() -> new BalloonController(vmm, 10, 5, new IdleMemoryTax(0), null))
                .hasMessage("the water marks must be 0 <= low <= high, were 10 and 5");
        assertThatThrownBy(() -> new IdleMemoryTax(1.0))
                .hasMessage("the idle memory tax rate must be in [0, 1), was 1.0");
        assertThat(BalloonController.defaultLowWater(480)).isEqualTo(60);
        assertThat(BalloonController.defaultLowWater(64)).isEqualTo(8);
    }
}
