package org.vmlab.memory.nested;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Nested paging under hardware assistance: the guest's page tables are its own, so its page
 * faults, its address-space switches and its page-table writes never exit; the VMM fills the nested
 * tables on EPT violations, once per guest frame; and a TLB miss walks both dimensions.
 */
class NestedPagingTest {
    private static final MemoryTechnique NESTED = new NestedPagingTechnique();

    private static Hypervisor host() {
        return new Hypervisor(MachineConfig.builder().memoryBytes(48 << 20).vt(true).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
    }

    private static VirtualMachine toyos(Hypervisor vmm, MemoryTechnique memory, String workload) {
        return toyos(vmm, memory, workload, "vm");
    }

    private static VirtualMachine toyos(Hypervisor vmm, MemoryTechnique memory, String workload, String name) {
        VirtualMachine vm = vmm.create(VmConfig.named(name).withFuel(Toyos.FUEL), new HardwareTechnique().create(),
                memory.create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }

    @Test
    void theGuestsPageFaultsAndAddressSpaceSwitchesDoNotExit() {
        RunResult run = toyos(host(), NESTED, "forkwait").run();

        Map<String, Long> c = run.counters();
        assertThat(run.stopReason()).as(run.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(c).doesNotContainKey("exit.page_fault").containsKey("exit.ept_violation");
        assertThat(c.get("nested.filled")).isEqualTo(c.get("exit.ept_violation") - c.getOrDefault("nested.device_accesses", 0L));
    }

    @Test
    void eachGuestFrameIsFilledOnceAndOnlyFramesTheGuestTouched() {
        VirtualMachine vm = toyos(host(), NESTED, "forkwait");
        RunResult run = vm.run();

        NestedPaging nested = (NestedPaging) vm.memoryVirtualization();
        assertThat(run.counters().get("nested.filled")).as("one violation per frame: nothing the p2m changed")
                .isEqualTo(nested.tables().mapped());
        assertThat(nested.tables().mapped()).isEqualTo(vm.memory().framesInUse());
    }

    @Test
    void aTlbMissWalksBothDimensionsAndShadowPagingsExitsAreGone() {
        RunResult nested = toyos(host(), NESTED, "forkwait").run();
        RunResult shadow = toyos(host(), new ShadowPagingTechnique(), "forkwait").run();

        Map<String, Long> c = nested.counters();
        double referencesPerWalk = (double) c.get("nested.walk.references") / c.get("nested.walks");
        assertThat(referencesPerWalk).as("(n+1)(m+1)-1 = 8 from scratch; fewer with the guest's paging off")
                .isBetween(3.0, 8.0);
        assertThat(shadow.counters()).doesNotContainKey("nested.walks");
        assertThat(exits(c)).as("exits under nested paging vs shadow paging")
                .isLessThan(exits(shadow.counters()) / 10);
        assertThat(c.getOrDefault("exit.privileged_instruction", 0L)).as("no cr3 exits: only cr0 and cr4 writes")
                .isLessThan(shadow.counters().get("exit.privileged_instruction"));
    }

    /** Every exit the run took, of every kind. */
    private static long exits(Map<String, Long> counters) {
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith("exit."))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Test
    void theNestedTablesLiveInTheVmmsFramesWhereNoGuestPhysicalAddressReaches() {
        VirtualMachine vm = toyos(host(), NESTED, "all");
        vm.run();

        NestedPaging nested = (NestedPaging) vm.memoryVirtualization();
        int rootFrame = nested.root() >>> 12;
        assertThat(vm.memory().owns(rootFrame)).isFalse();
        assertThat(vm.memory().guestFrameOf(rootFrame)).isNegative();
        for (int gfn = 0; gfn < vm.memory().frames(); gfn++) {
            int entry = nested.tables().lookup(gfn);
            if (NestedPte.present(entry)) {
                assertThat(vm.memory().owns(entry >>> 12)).as("gfn 0x%x maps a frame of the VM's", gfn).isTrue();
            }
        }
    }

    @Test
    void aGuestWritingAtTheNestedTablesMachineAddressWritesItsOwnFrameThere() throws AssemblyException {
        Hypervisor vmm = host();
        VirtualMachine vm = vmm.create(new VmConfig("forger", 4 << 20, 1024, 1_000_000, DeviceConfig.defaults()),
                new HardwareTechnique().create(), NESTED.create());
        NestedPaging nested = (NestedPaging) vm.memoryVirtualization();
        int root = nested.root();
        vm.load(Assembler.assembleSource("""
                    .segment kernel, 0x1000
                    .entry start
                start:
                    li r1, %d
                    li r3, -1
                    sw r3, 0(r1)
                    sw r3, 4(r1)
                    cli
                    hlt
                """.formatted(forgedAddress(root))));
        int forged = forgedAddress(root);

        RunResult run = vm.run();

        assertThat(run.stopReason()).as(run.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(vm.memory().readWord(forged)).isEqualTo(-1);
        assertThat(vmm.machine().memory().readWord(root)).as("the nested directory's first entry")
                .isNotEqualTo(-1);
        assertThat(NestedPte.present(nested.tables().lookup(forged >>> 12))).isTrue();
        assertThat(nested.tables().lookup(forged >>> 12) >>> 12).as("mapped to the guest's own frame")
                .isEqualTo(vm.memory().machineFrame(forged >>> 12));
    }

    /** The guest-physical address equal to the machine address {@code root}, if the guest has one past its code. */
    private static int forgedAddress(int root) {
        int gpa = root % (4 << 20);
        return gpa < 0x2000 ? gpa + 0x10000 : gpa;
    }

    @Test
    void aGuestFrameWhoseBackingMovesToAnotherMachineFrameLosesItsNestedEntry() {
        Hypervisor vmm = host();
        VirtualMachine kept = toyos(vmm, NESTED, "compute", "kept");
        VirtualMachine dropped = toyos(vmm, NESTED, "compute", "dropped");
        kept.run();
        dropped.run();
        NestedPaging nested = (NestedPaging) dropped.memoryVirtualization();
        int gfn = 0x1000 >>> 12;   // the kernel's first page: the same bytes in both, mapped in both
        int old = dropped.memory().machineFrame(gfn);
        assertThat(nested.tables().lookup(gfn) >>> 12).isEqualTo(old);

        assertThat(kept.memory().share(gfn, dropped.memory(), gfn)).isTrue();

        int entry = nested.tables().lookup(gfn);
        assertThat(!NestedPte.present(entry) || entry >>> 12 == kept.memory().machineFrame(gfn))
                .as("the dropped VM's entry no longer names the frame it gave up (0x%x): 0x%08x", old, entry).isTrue();
        int keptEntry = ((NestedPaging) kept.memoryVirtualization()).tables().lookup(gfn);
        assertThat(keptEntry & NestedPte.WRITE).as("the kept frame, now shared, is read-only").isZero();
    }

    @Test
    void aCpuTechniqueWithoutNestedPagingIsRefusedWithTheReason() {
        Hypervisor vmm = host();

        assertThatThrownBy(() -> vmm.create(VmConfig.named("vm"), new TrapAndEmulateTechnique().create(), NESTED.create()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory technique 'nested' uses the processor's nested paging, which CPU technique"
                        + " 'trap-emulate' does not run the guest with: use a hardware-assisted one (hardware)");
    }
}
