package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.labs.lab7.PageSharingRules;

/**
 * The page-sharing scanner under real techniques: identical toyos VMs give machine frames back
 * and still run exactly as on bare metal, under shadow paging (the guest's store to a shared
 * frame faults on the read-only shadow entry) and under nested paging (on the read-only nested
 * entry); a guest that stores into a page again and again, so that every scan finds it the same
 * as another VM's and shares it, loses none of its stores.
 */
class ContentBasedSharingTest {
    private static final int VMS = 4;

    /** Shadow paging, under trap-and-emulate and under hardware assistance; and nested paging. */
    static Stream<Arguments> toyosTechniques() {
        return Stream.of(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new NestedPagingTechnique()));
    }

    static Stream<Arguments> techniques() {
        return Stream.of(
                Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new NestedPagingTechnique()));
    }

    private record Run(List<VirtualMachine> vms, int machineFramesInUse, long saved) {
    }

    private static Run toyos(CpuTechnique cpu, MemoryTechnique memory, boolean sharing) {
        Hypervisor vmm = hypervisor(cpu);
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 1; i <= VMS; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + i).withFuel(Toyos.FUEL), cpu.create(), memory.create());
            Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), "all");
            vms.add(vm);
        }
        PageSharingScanner scanner = new PageSharingScanner(vmm, PageSharingScanner.DEFAULT_PAGES_PER_SLICE, new PageSharingRules());
        if (sharing) {
            vmm.betweenSlices(scanner);
        }
        vmm.run();
        int inUse = vmm.frames().memory().frames() - vmm.frames().freeFrames();
        return new Run(vms, inUse, scanner.saved());
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("toyosTechniques")
    void fourIdenticalToyosVmsGiveFramesBackAndEachRunsAsOnBareMetal(CpuTechnique cpu, MemoryTechnique memory) {
        Run without = toyos(cpu, memory, false);
        Run with = toyos(cpu, memory, true);

        RunResult bare = bare(machine -> Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), "all"));
        for (VirtualMachine vm : with.vms()) {
            assertThat(Equivalence.compare(bare, vm.result()).differences()).as(vm.name()).isEmpty();
            assertThat(vm.counters().named(PageSharingScanner.SCANNED)).as(vm.name() + "'s pages hashed").isPositive();
        }
        long saved = with.vms().stream().mapToLong(vm -> vm.counters().named(PageSharingScanner.SAVED)).sum();
        assertThat(saved).isEqualTo(with.saved()).isPositive();
        assertThat(with.machineFramesInUse()).as("machine frames in use at the end, without sharing %d",
                without.machineFramesInUse()).isLessThan(without.machineFramesInUse());
        System.out.printf("page sharing, %d toyos VMs, %s + %s: %d machine frames in use without, %d with"
                + " (%d saved by the scanner, %d copy-on-write breaks)%n", VMS, cpu.name(), memory.name(),
                without.machineFramesInUse(), with.machineFramesInUse(), with.saved(),
                with.vms().stream().mapToLong(vm -> vm.counters().named(VirtualMachine.COW_BREAKS)).sum());
    }

    /** Stores into one page 20,000 times: the scanner shares it between stores, each store breaks it. */
    private static final String HOSTILE = "org/vmlab/guests/overcommit/store_when_shared.s";

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("techniques")
    void aGuestThatStoresIntoAPageAsSoonAsItIsSharedLosesNothing(CpuTechnique cpu, MemoryTechnique memory) {
        Image image = GuestRuns.program(HOSTILE);
        Hypervisor vmm = hypervisor(cpu);
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("hostile" + i).withFuel(1_000_000),
                    cpu.create(), memory.create());
            vm.load(image);
            vms.add(vm);
        }
        vmm.setSlice(500);
        vmm.betweenSlices(new PageSharingScanner(vmm, 64, new PageSharingRules()));

        vmm.run();

        RunResult bare = bare(machine -> machine.load(image));
        assertThat(bare.stopReason()).isEqualTo(StopReason.HALT);
        for (VirtualMachine vm : vms) {
            assertThat(Equivalence.compare(bare, vm.result()).differences()).as(vm.name()).isEmpty();
            assertThat(vm.memory().readWord(0x3004)).isEqualTo(20000);
            assertThat(vm.counters().named(VirtualMachine.COW_BREAKS)).as("shared and broken, again and again")
                    .isGreaterThan(5);
        }
    }

    private static Hypervisor hypervisor(CpuTechnique cpu) {
        return new Hypervisor(MachineConfig.builder().memoryBytes(80 << 20).vt(cpu.needsVt()).fuel(Long.MAX_VALUE)
                .build(), VmmCostModel.DEFAULT);
    }

    private static RunResult bare(java.util.function.Consumer<Machine> boot) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        boot.accept(machine);
        return machine.run();
    }
}
