package org.vmlab.memory.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Shadow paging's mechanism: one shadow per guest address space, cached across switches (least
 * recently used dropped first), the traced guest page tables, and the real MMU pointed at the
 * current shadow. The decisions are Lab 3's {@link ShadowRules}; a test double here returns what
 * each test tells it and records what it is told.
 */
class ShadowPagingTest {
    private static final int RW = Pte.PRESENT | Pte.WRITABLE;
    private static final int VA = 0x0040_0000;

    private final RecordingRules rules = new RecordingRules();
    private final ShadowPaging paging = new ShadowPaging(rules);
    private final Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(512 << 10).build(),
            VmmCostModel.DEFAULT);
    private final VirtualMachine vm = vmm.create(new VmConfig("guest", 256 << 10, 64, 1000, DeviceConfig.defaults()),
            null, paging);

    /** The guest loads cr3 with {@code cr3}, paging on. */
    private void switchTo(int cr3) {
        vm.vcpu().setControlRegister(Registers.CR0, Registers.CR0_PG);
        vm.vcpu().setControlRegister(Registers.CR3, cr3);
        paging.controlRegisterWritten(Registers.CR3);
    }

    /** The guest turns paging off. */
    private void pagingOff() {
        vm.vcpu().setControlRegister(Registers.CR0, 0);
        paging.controlRegisterWritten(Registers.CR0);
    }

    private List<Integer> cachedKeys() {
        return paging.shadows().stream().map(ShadowPageTable::key).toList();
    }

    private int vmmFrames() {
        MachineFrames frames = vmm.frames();
        int n = 0;
        for (int f = 0; f < frames.memory().frames(); f++) {
            n += MachineFrames.VMM.equals(frames.owner(f)) ? 1 : 0;
        }
        return n;
    }

    // --- the cache of shadows ----------------------------------------------------------------------

    @Test
    void aGuestWithPagingOffRunsOnThePhysicalModeShadow() {
        assertThat(paging.current().key()).isEqualTo(ShadowPaging.PHYSICAL_MODE);
        assertThat(cachedKeys()).containsExactly(ShadowPaging.PHYSICAL_MODE);
        assertThat(paging.guestKey()).isEqualTo(ShadowPaging.PHYSICAL_MODE);
        assertThat(vm.counters().named("shadow.built")).isEqualTo(1);
    }

    @Test
    void aMappingOrTableOutOfRangeNamesTheCallAndWhatWasWrong() {
        assertThatThrownBy(() -> paging.map(VA, 0x0040_5000, RW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a frame of this machine")
                .hasMessageEndingWith("is it an address rather than a frame number (address >>> 12)?");
        assertThatThrownBy(() -> paging.map(VA, 20, 0x0040_5003))
                .hasMessageEndingWith("(the frame goes in mfn, not in bits)");
        assertThatThrownBy(() -> paging.dropTable(paging.current(), 1024))
                .hasMessage("dropTable(shadow, 1024): a directory index is 0..1023"
                        + " (a virtual address >>> 22), not 1024");
    }

    @Test
    void activatingPointsTheRealMmuAtTheCurrentShadow() {
        paging.activate();

        assertThat(vm.host().cpu().controlRegister(Registers.CR3)).isEqualTo(paging.current().root());
    }

    @Test
    void aNewAddressSpaceGetsAShadowKeyedByTheGuestsCr3() {
        switchTo(0x5000);

        assertThat(paging.current().key()).isEqualTo(0x5000);
        assertThat(vm.host().cpu().controlRegister(Registers.CR3)).isEqualTo(paging.current().root());
        assertThat(vm.counters().events(ShadowEvent.SHADOW_SWITCH)).isEqualTo(1);
        assertThat(cachedKeys()).containsExactlyInAnyOrder(ShadowPaging.PHYSICAL_MODE, 0x5000);
    }

    @Test
    void switchingBackFindsTheCachedShadowWithItsEntries() {
        switchTo(0x5000);
        ShadowPageTable first = paging.current();
        paging.map(VA, 20, RW);
        switchTo(0x6000);

        switchTo(0x5000);

        assertThat(paging.current()).isSameAs(first);
        assertThat(paging.current().lookup(VA)).isEqualTo(Pte.entry(20 << 12, RW));
        assertThat(vm.counters().named("shadow.built")).as("physical, 0x5000, 0x6000").isEqualTo(3);
    }

    @Test
    void writesToOtherControlRegistersDoNotSwitch() {
        paging.controlRegisterWritten(Registers.CR4);

        assertThat(vm.counters().events(ShadowEvent.SHADOW_SWITCH)).isZero();
    }

    @Test
    void atMostCachedShadowsAreKeptAndTheLeastRecentlyUsedIsDropped() {
        for (int k = 1; k < ShadowPaging.CACHED_SHADOWS; k++) {
            switchTo(k << 12);
        }
        assertThat(paging.shadows()).hasSize(ShadowPaging.CACHED_SHADOWS);
        pagingOff();   // the physical-mode shadow is used again: now 0x1000 is the least recent

        switchTo(0x20000);

        assertThat(paging.shadows()).hasSize(ShadowPaging.CACHED_SHADOWS);
        assertThat(cachedKeys()).doesNotContain(0x1000).contains(ShadowPaging.PHYSICAL_MODE, 0x2000, 0x20000);
        assertThat(vm.counters().named("shadow.evicted")).isEqualTo(1);
    }

    @Test
    void anEvictedShadowGivesItsFramesBackAndItsTracesAreForgotten() {
        switchTo(0x1000);
        ShadowPageTable victim = paging.current();
        paging.map(VA, 20, RW);   // a table beside the directory
        paging.trace(7, TracedPages.Use.directory(victim));
        for (int k = 2; k < ShadowPaging.CACHED_SHADOWS; k++) {   // fills the cache
            switchTo(k << 12);
        }
        pagingOff();   // 0x1000 is now the least recently used
        int vmmFramesBefore = vmmFrames();

        switchTo(0x20000);

        assertThat(cachedKeys()).doesNotContain(0x1000);
        assertThat(vmmFrames()).as("two frames back, one directory taken").isEqualTo(vmmFramesBefore - 1);
        assertThat(paging.traced().isTraced(7)).isFalse();
    }

    @Test
    void aSwitchBackToAnEvictedAddressSpaceBuildsAFreshShadow() {
        switchTo(0x1000);
        paging.map(VA, 20, RW);
        for (int k = 2; k <= ShadowPaging.CACHED_SHADOWS + 1; k++) {
            switchTo(k << 12);
        }

        switchTo(0x1000);

        assertThat(paging.current().lookup(VA)).isZero();
    }

    // --- tracing -----------------------------------------------------------------------------------

    @Test
    void tracingAFrameWriteProtectsItsWritableMappingsInEveryCachedShadow() {
        int gfn = 9;
        int mfn = vm.memory().machineFrame(gfn);
        switchTo(0x1000);
        ShadowPageTable one = paging.current();
        paging.map(VA, mfn, RW);
        paging.map(VA + 0x1000, mfn + 1, RW);
        switchTo(0x2000);
        ShadowPageTable two = paging.current();
        paging.map(0x0080_0000, mfn, RW | Pte.USER);

        paging.trace(gfn, TracedPages.Use.directory(two));

        assertThat(one.lookup(VA)).isEqualTo(Pte.entry(mfn << 12, Pte.PRESENT));
        assertThat(two.lookup(0x0080_0000)).isEqualTo(Pte.entry(mfn << 12, Pte.PRESENT | Pte.USER));
        assertThat(one.lookup(VA + 0x1000)).as("another frame").isEqualTo(Pte.entry((mfn + 1) << 12, RW));
        assertThat(paging.traced().isTraced(gfn)).isTrue();
    }

    @Test
    void tracingAFrameThatIsTracedAlreadyAddsAUseAndProtectsNothingAgain() {
        int gfn = 9;
        int mfn = vm.memory().machineFrame(gfn);
        switchTo(0x1000);
        paging.trace(gfn, TracedPages.Use.directory(paging.current()));
        paging.map(VA, mfn, RW);

        paging.trace(gfn, new TracedPages.Use(paging.current(), 1));

        assertThat(paging.current().lookup(VA)).isEqualTo(Pte.entry(mfn << 12, RW));
        assertThat(paging.traced().uses(gfn)).hasSize(2);
    }

    @Test
    void afterATraceTheRealMmuNoLongerLetsTheGuestWriteThroughAStaleTlbEntry() {
        int gfn = 9;
        int mfn = vm.memory().machineFrame(gfn);
        vm.switchIn();
        paging.map(VA, mfn, RW);
        Mmu mmu = vm.host().mmu();
        assertThat(mmu.translate(VA, Mmu.WRITE, 1)).isEqualTo(mfn << 12);   // now in the TLB, writable

        paging.trace(gfn, TracedPages.Use.directory(paging.current()));

        assertThatThrownBy(() -> mmu.translate(VA, Mmu.WRITE, 1))
                .isInstanceOfSatisfying(Fault.class, f -> assertThat(f.vector()).isEqualTo(Vector.PAGE_FAULT));
        assertThat(mmu.translate(VA, Mmu.READ, 1)).as("still readable").isEqualTo(mfn << 12);
    }

    @Test
    void aGuestWriteToATracedFrameIsTracedAndReachesTheRules() {
        paging.trace(9, TracedPages.Use.directory(paging.current()));

        vm.memory().writeWord(0x9008, 0x1234);

        assertThat(rules.pageTablesWritten).containsExactly(0x9008);
        assertThat(vm.counters().named("shadow.traces")).isEqualTo(1);
        assertThat(vm.counters().events(ShadowEvent.TRACE)).isEqualTo(1);
    }

    @Test
    void aGuestWriteElsewhereIsNoTrace() {
        paging.trace(9, TracedPages.Use.directory(paging.current()));

        vm.memory().writeWord(0xA000, 0x1234);
        vm.memory().writeWordQuietly(0x9000, 0x21);   // a walker's accessed bit

        assertThat(rules.pageTablesWritten).isEmpty();
        assertThat(vm.counters().named("shadow.traces")).isZero();
    }

    @Test
    void droppingATableForgetsTheTracedUseBehindIt() {
        switchTo(0x1000);
        ShadowPageTable current = paging.current();
        paging.map(VA, 20, RW);
        paging.trace(9, new TracedPages.Use(current, Pte.directoryIndex(VA)));

        paging.dropTable(current, Pte.directoryIndex(VA));

        assertThat(current.lookup(VA)).isZero();
        assertThat(paging.traced().isTraced(9)).isFalse();
    }

    @Test
    void unmappingAndInvalidatingRemoveTheEntry() {
        paging.map(VA, 20, RW);
        paging.map(VA + 0x1000, 21, RW);

        paging.unmap(paging.current(), VA);
        paging.invalidatePage(VA + 0x1000);

        assertThat(paging.current().lookup(VA)).isZero();
        assertThat(paging.current().lookup(VA + 0x1000)).isZero();
    }

    // --- page faults and their counters ------------------------------------------------------------

    private static Exit.PageFault pageFault(int address) {
        return new Exit.PageFault(0x1000, address, Vector.PF_WRITE);
    }

    @Test
    void aFaultTheRulesFixIsAHiddenFault() {
        rules.outcome = PageFaultOutcome.FIXED;
        Exit.PageFault exit = pageFault(VA);

        assertThat(paging.pageFault(exit)).isEqualTo(PageFaultOutcome.FIXED);

        assertThat(rules.faults).containsExactly(exit);
        assertThat(vm.counters().named("shadow.hidden_faults")).isEqualTo(1);
        assertThat(vm.counters().events(ShadowEvent.HIDDEN_FAULT)).isEqualTo(1);
        assertThat(vm.counters().named("shadow.true_faults")).isZero();
    }

    @Test
    void aFixedOutcomeTheRulesMadeThemselvesCountsAsAHiddenFaultToo() {
        rules.outcome = new PageFaultOutcome.Fixed();

        paging.pageFault(pageFault(VA));

        assertThat(vm.counters().events(ShadowEvent.HIDDEN_FAULT)).isEqualTo(1);
    }

    @Test
    void aFaultOfTheGuestsOwnIsATrueFault() {
        rules.outcome = new PageFaultOutcome.GuestFault(new Fault(Vector.PAGE_FAULT, Vector.PF_WRITE, VA));

        assertThat(paging.pageFault(pageFault(VA))).isSameAs(rules.outcome);

        assertThat(vm.counters().named("shadow.true_faults")).isEqualTo(1);
        assertThat(vm.counters().named("shadow.hidden_faults")).isZero();
        assertThat(vm.counters().events(ShadowEvent.HIDDEN_FAULT)).isZero();
    }

    @Test
    void anAccessToEmulateIsNeitherHiddenNorTrue() {
        rules.outcome = ShadowPaging.TRACED_WRITE;

        assertThat(paging.pageFault(pageFault(VA))).isEqualTo(rules.outcome);

        assertThat(vm.counters().named("shadow.true_faults")).isZero();
        assertThat(vm.counters().named("shadow.hidden_faults")).isZero();
    }

    @Test
    void aFaultAfterASwitchTheVmmDidNotFollowStopsTheVmNamingTheMissingCall() {
        switchTo(0x8000);
        vm.vcpu().setControlRegister(Registers.CR3, 0xA000);   // emulated, but memory virtualization not told

        assertThat(paging.pageFault(pageFault(VA))).as("nothing reflected into the guest").isEqualTo(PageFaultOutcome.FIXED);

        assertThat(rules.faults).as("not mended into the wrong shadow").isEmpty();
        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.MONITOR_ERROR);
        assertThat(vm.vcpu().stopDetail()).contains("the guest runs with paging on, cr3=0x0000a000 but the real MMU"
                + " still walks the shadow for paging on, cr3=0x00008000").contains("controlRegisterWritten(n)");
    }

    // --- following the p2m --------------------------------------------------------------------------

    /** Guest frames 9 and 10, both zeros, share one machine frame; returns it. */
    private int shareFramesNineAndTen() {
        vm.memory().writeWord(0x9000, 0);
        vm.memory().writeWord(0xA000, 0);
        vm.memory().share(9, vm.memory(), 10);
        return vm.memory().machineFrame(9);
    }

    private static Exit.PageFault fault(int address, int errorCode) {
        return new Exit.PageFault(0x1000, address, errorCode);
    }

    @Test
    void aSharedFrameIsMappedReadOnlyWhateverTheRulesAsk() {
        int shared = shareFramesNineAndTen();

        paging.map(VA, shared, RW | Pte.USER);

        assertThat(paging.current().lookup(VA)).isEqualTo(Pte.entry(shared << 12, Pte.PRESENT | Pte.USER));
    }

    @Test
    void aGuestWriteToASharedFrameGetsAPrivateCopyBeforeTheRulesMapIt() {
        int shared = shareFramesNineAndTen();
        Exit.PageFault write = fault(0x9004, Vector.PF_PRESENT | Vector.PF_WRITE);   // paging off: 0x9004 is guest-physical

        paging.pageFault(write);

        assertThat(vm.memory().isShared(9)).isFalse();
        assertThat(vm.memory().machineFrame(9)).isNotEqualTo(shared);
        assertThat(vm.memory().machineFrame(10)).as("the other sharer keeps the frame").isEqualTo(shared);
        assertThat(rules.faults).containsExactly(write);
        assertThat(vm.counters().named("shadow.sharing_broken")).isEqualTo(1);
    }

    @Test
    void aReadOfASharedFrameOrAWriteTheGuestsTablesDenyLeavesItShared() {
        shareFramesNineAndTen();

        paging.pageFault(fault(0x9004, Vector.PF_PRESENT));
        switchTo(0x5000);   // an empty page directory: nothing is mapped
        paging.pageFault(fault(0x9004, Vector.PF_WRITE));

        assertThat(vm.memory().isShared(9)).isTrue();
        assertThat(vm.counters().named("shadow.sharing_broken")).isZero();
        assertThat(rules.faults).as("the rules decide as ever").hasSize(2);
    }

    @Test
    void whenAGuestFrameLeavesItsMachineFrameEveryShadowForgetsTheFrame() {
        vm.memory().writeWord(0x9000, 1);
        int mfn = vm.memory().machineFrame(9);
        switchTo(0x1000);
        ShadowPageTable one = paging.current();
        paging.map(VA, mfn, RW);
        paging.map(VA + 0x1000, 30, RW);
        switchTo(0x2000);
        ShadowPageTable two = paging.current();
        paging.map(0x0080_0000, mfn, Pte.PRESENT);
        vm.switchIn();
        Mmu mmu = vm.host().mmu();
        assertThat(mmu.translate(0x0080_0000, Mmu.READ, 1)).isEqualTo(mfn << 12);   // in the real TLB

        vm.memory().balloon(9);

        assertThat(one.lookup(VA)).isZero();
        assertThat(two.lookup(0x0080_0000)).isZero();
        assertThat(one.lookup(VA + 0x1000)).as("another frame").isEqualTo(Pte.entry(30 << 12, RW));
        assertThatThrownBy(() -> mmu.translate(0x0080_0000, Mmu.READ, 1)).as("nor does the real TLB keep it")
                .isInstanceOf(Fault.class);
    }

    @Test
    void aFrameThatBecomesSharedIsNoLongerMappedWritable() {
        vm.memory().writeWord(0x9000, 0);
        vm.memory().writeWord(0xA000, 0);
        int kept = vm.memory().machineFrame(9);
        int dropped = vm.memory().machineFrame(10);
        paging.map(VA, kept, RW);
        paging.map(VA + 0x1000, dropped, RW);

        vm.memory().share(9, vm.memory(), 10);

        assertThat(paging.current().lookup(VA)).isEqualTo(Pte.entry(kept << 12, Pte.PRESENT));
        assertThat(paging.current().lookup(VA + 0x1000)).as("its frame was freed").isZero();
    }

    /** The rules' test double. */
    private static final class RecordingRules implements ShadowRules {
        PageFaultOutcome outcome = PageFaultOutcome.FIXED;
        final List<Exit.PageFault> faults = new ArrayList<>();
        final List<Integer> pageTablesWritten = new ArrayList<>();

        @Override
        public PageFaultOutcome pageFault(ShadowPaging shadow, Exit.PageFault exit) {
            faults.add(exit);
            return outcome;
        }

        @Override
        public void pageTableWritten(ShadowPaging shadow, int gpa) {
            pageTablesWritten.add(gpa);
        }
    }
}
