package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.labs.lab7.PageSharingRules;

/**
 * Guest memory that is shared and given back while the guests run: with every identical page of
 * two VMs shared between slices, copy-on-write keeps each VM exactly equivalent to bare metal
 * (the guest's own writes fault on the read-only shared frames and get a copy; the VMM's and the
 * devices' writes copy first); a guest that touches a page it ballooned out is stopped, and the
 * other VM goes on.
 */
class PageSharingTest {
    private static final ShadowPagingTechnique MEMORY = new ShadowPagingTechnique();

    static Stream<Arguments> techniques() {
        return Stream.of(Arguments.of(new TrapAndEmulateTechnique(), IsaVariant.CLASSIC),
                Arguments.of(new BinaryTranslationTechnique(), IsaVariant.LEGACY));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("techniques")
    void twoVmsWhoseIdenticalPagesAreSharedBetweenSlicesEachRunAsOnBareMetal(CpuTechnique cpu, IsaVariant isa) {
        Hypervisor vmm = hypervisor(isa);
        VirtualMachine first = boot(vmm, cpu, VmConfig.named("first").withFuel(Toyos.FUEL), "all");
        VirtualMachine second = boot(vmm, cpu, VmConfig.named("second").withFuel(Toyos.FUEL), "all");
        // every page after every slice: a scan rate high enough to share all there is at once
        PageSharingScanner scanner = new PageSharingScanner(vmm, 4096, new PageSharingRules());
        vmm.setSlice(50_000);
        vmm.betweenSlices(scanner);

        vmm.run();

        RunResult bare = bare(isa, "all");
        assertThat(Equivalence.compare(bare, first.result()).differences()).isEmpty();
        assertThat(Equivalence.compare(bare, second.result()).differences()).isEmpty();
        assertThat(scanner.shared()).as("pages were shared").isGreaterThan(100);
        assertThat(first.counters().named("shadow.sharing_broken") + second.counters().named("shadow.sharing_broken"))
                .as("the guests wrote shared pages, and got copies").isPositive();
        assertThat(first.counters().named(VirtualMachine.COW_BREAKS) + second.counters().named(VirtualMachine.COW_BREAKS))
                .as("every break counted, the guests' and the VMM's")
                .isGreaterThanOrEqualTo(first.counters().named("shadow.sharing_broken")
                        + second.counters().named("shadow.sharing_broken"));
    }

    @Test
    void aVmThatTouchesAPageItBalloonedOutIsStoppedAndTheOtherGoesOn() {
        Hypervisor vmm = hypervisor(IsaVariant.CLASSIC);
        CpuTechnique cpu = new TrapAndEmulateTechnique();
        VirtualMachine careless = boot(vmm, cpu, VmConfig.named("careless").withFuel(Toyos.FUEL), "pagefault");
        VirtualMachine other = boot(vmm, cpu, VmConfig.named("other").withFuel(Toyos.FUEL), "syscall");
        vmm.setSlice(50_000);
        boolean[] inflated = {false};
        vmm.betweenSlices(vm -> {
            if (vm == careless && !inflated[0]) {
                // after its first slice, its balloon "gives back" every frame it has not used yet
                for (int gfn = 0; gfn < careless.memory().frames(); gfn++) {
                    if (careless.memory().entry(gfn) instanceof P2mEntry.Absent) {
                        careless.memory().balloon(gfn);
                    }
                }
                inflated[0] = true;
            }
        });

        vmm.run();

        assertThat(careless.result().stopReason()).isEqualTo(StopReason.GUEST_ERROR);
        assertThat(careless.result().stopDetail()).startsWith("stopped by the VMM: careless touched guest frame 0x")
                .endsWith(", which it had given back to the VMM (ballooned out)");
        assertThat(Equivalence.compare(bare(IsaVariant.CLASSIC, "syscall"), other.result()).differences()).isEmpty();
    }

    private static Hypervisor hypervisor(IsaVariant isa) {
        return new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(48 << 20).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
    }

    private static VirtualMachine boot(Hypervisor vmm, CpuTechnique cpu, VmConfig config, String workload) {
        VirtualMachine vm = vmm.create(config, cpu.create(), MEMORY.create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }

    private static RunResult bare(IsaVariant isa, String workload) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return machine.run();
    }
}
