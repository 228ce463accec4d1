package org.vmlab.labs.lab7;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.overcommit.PageSharingScanner;

/** Lab 7, overcommit and live migration: the hidden graded tests, hostile guests among them. */
class Lab7HiddenTest {

    /** Stores into one page 20,000 times: the scanner shares it between stores, each store breaks it. */
    private static final String STORES_AS_SOON_AS_SHARED = "org/vmlab/guests/overcommit/store_when_shared.s";

    @Test
    @Graded(points = 2, number = "7.h1", name = "a guest that stores into a page the instant it is shared loses nothing",
            visibility = Visibility.HIDDEN)
    void storesAsSoonAsShared() {
        Image image = GuestRuns.program(STORES_AS_SOON_AS_SHARED);
        Hypervisor vmm = Lab7Test.host();
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("hostile" + i).withFuel(1_000_000),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            vm.load(image);
            vms.add(vm);
        }
        vmm.setSlice(500);
        vmm.betweenSlices(new PageSharingScanner(vmm, 64, new PageSharingRules()));

        vmm.run();

        Machine bare = new Machine(MachineConfig.builder().fuel(1_000_000).build());
        bare.load(image);
        RunResult nativeRun = bare.run();
        assertThat(nativeRun.stopReason()).isEqualTo(StopReason.HALT);
        for (VirtualMachine vm : vms) {
            assertThat(Equivalence.compare(nativeRun, vm.result()).differences()).as(vm.name()).isEmpty();
            assertThat(vm.memory().readWord(0x3004)).as("%s's count of its stores", vm.name()).isEqualTo(20000);
            assertThat(vm.counters().named(VirtualMachine.COW_BREAKS)).as("%s: its page was never shared and broken"
                    + " again", vm.name()).isGreaterThan(5);
        }
    }

    @Test
    @Graded(points = 2, number = "7.h2", name = "frames saved are frames freed, and a VM's write by DMA or the VMM breaks sharing",
            visibility = Visibility.HIDDEN)
    void savedIsFreedAndEveryWriterBreaks() {
        Hypervisor vmm = Lab7Test.host();
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + i).withFuel(1_000_000),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            for (int gfn = 4; gfn < 12; gfn++) {
                vm.memory().writeWord(gfn << 12, 0xAB00 + gfn);   // the same 8 pages in every VM
            }
            vms.add(vm);
        }
        int free = vmm.frames().freeFrames();
        PageSharingScanner scanner = new PageSharingScanner(vmm, 1024, new PageSharingRules());
        scanner.afterSlice(vms.get(0));
        assertThat(vmm.frames().freeFrames() - free).as("frames freed by sharing 8 pages three times over")
                .isEqualTo(16);
        assertThat(scanner.saved()).as("the scanner's count of frames saved").isEqualTo(16);

        GuestPhysicalMemory victim = vms.get(2).memory();
        vms.get(0).memory().write(0x4000, new byte[] {1, 2, 3, 4});   // as a disk's DMA into the page
        vms.get(1).memory().writeWord(0x5000, 7);                       // as the VMM's emulated store
        assertThat(victim.readWord(0x4000)).as("vm3 sees vm1's DMA into a page they shared").isEqualTo(0xAB04);
        assertThat(victim.readWord(0x5000)).as("vm3 sees vm2's write into a page they shared").isEqualTo(0xAB05);
        assertThat(vms.get(0).memory().isShared(4)).as("vm1's page is still shared after a write").isFalse();
    }

    @Test
    @Graded(points = 2, number = "7.h3", name = "a VM that goes leaves no stale hint: the next identical page is shared",
            visibility = Visibility.HIDDEN)
    void aGoneVmLeavesNoStaleHint() {
        Hypervisor vmm = Lab7Test.host();
        VirtualMachine first = vmm.create(VmConfig.named("first").withFuel(1_000_000),
                new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
        first.memory().writeWord(0x4000, 0x5151);
        PageSharingScanner scanner = new PageSharingScanner(vmm, 1024, new PageSharingRules());
        scanner.afterSlice(first);   // first's page is the hint now
        vmm.remove(first);
        List<VirtualMachine> later = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("later" + i).withFuel(1_000_000),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            vm.memory().writeWord(0x4000, 0x5151);
            later.add(vm);
        }

        scanner.afterSlice(later.get(0));
        scanner.afterSlice(later.get(0));

        assertThat(later.get(0).memory().isShared(4) && later.get(1).memory().isShared(4)).as("two identical pages"
                + " of the VMs that run now were not shared: the table still names a page of a VM that went"
                + " (Found.A_PAGE_GONE must make the new page the hint)").isTrue();
    }

    @Test
    @Graded(points = 2, number = "7.h4", name = "a round limit alone: the dirtier is moved after exactly that many rounds, nothing lost",
            visibility = Visibility.HIDDEN)
    void roundLimitAlone() {
        org.vmlab.machine.image.Image image = org.vmlab.guests.Dirtier.image();
        RunResult bare = Lab7PreCopyTest.bare(m -> m.load(image));
        org.vmlab.vmm.migration.MigrationReport report = Lab7PreCopyTest.migrateDirtier(image, bare,
                PreCopyRules.roundLimit(5));
        assertThat(report.rounds()).as("rounds with roundLimit(5) (the rate rule off)\n%s", report.describe())
                .hasSize(5);
        assertThat(report.converged()).isFalse();
        assertThat(report.stopAndCopyPages()).as("the stop-and-copy sends every page still dirty")
                .isGreaterThanOrEqualTo(org.vmlab.guests.Dirtier.PAGES);
    }
}
