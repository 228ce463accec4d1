package org.vmlab.cpu.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.memory.identity.IdentityPagingTechnique;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Popek and Goldberg's equivalence under hardware assistance: every toyos workload, under shadow
 * paging (first-generation VT-x), under nested paging (EPT and VPID) and under identity paging, on both ISA variants, leaves exactly
 * the observables of bare metal, and runs instruction by instruction as bare metal does. On the
 * legacy ISA too: the guest kernel runs in ring 0 of non-root mode, so its popf changes IF.
 */
@Execution(ExecutionMode.CONCURRENT)   // each case its own machine: two cores run two at once
class HardwareEquivalenceTest {
    private static final Image TOYOS = Toyos.image(Toyos.Flavor.NATIVE);
    private static final CpuTechnique HARDWARE = new HardwareTechnique();

    static Stream<Arguments> everyPair() {
        return Stream.of(IsaVariant.CLASSIC, IsaVariant.LEGACY).flatMap(isa ->
                Stream.of(new ShadowPagingTechnique(), new NestedPagingTechnique(), new IdentityPagingTechnique()).flatMap(memory ->
                        Toyos.workloads().stream().map(w -> Arguments.of(Named.of(memory.name(), memory), isa, w))));
    }

    @ParameterizedTest(name = "hardware + {0} on {1}: {2}")
    @MethodSource("everyPair")
    void everyWorkloadRunsExactlyAsOnBareMetal(MemoryTechnique memory, IsaVariant isa, String workload) {
        RunResult bare = bareMetal(isa, workload).run();
        VirtualMachine vm = virtualMachine(memory, isa, workload);
        RunResult virtual = vm.run();

        Equivalence.Verdict verdict = Equivalence.compare(bare, virtual);
        assertThat(verdict.differences()).as("differences from bare metal: " + virtual.stopDetail()).isEmpty();
        assertThat(virtual.counters()).as("exits were taken").containsKey("exit.io_access");
    }

    /**
     * Every pair for shadow and nested paging, the memory virtualization hardware assistance is
     * for; identity paging (no memory virtualization) on the workloads of a few hundred thousand
     * instructions, where it adds what it adds (its device accesses by page fault, its own cr3):
     * a lockstep of several million instructions takes seconds, and all, compute and forkwait on
     * identity paging would double the class's time for no case of its own.
     */
    static Stream<Arguments> lockstepPairs() {
        return everyPair().filter(a -> !(((Named<?>) a.get()[0]).getPayload() instanceof IdentityPagingTechnique)
                || !LONG_WORKLOADS.contains((String) a.get()[2]));
    }

    private static final java.util.Set<String> LONG_WORKLOADS = java.util.Set.of("all", "compute", "forkwait");

    @ParameterizedTest(name = "hardware + {0} on {1}: {2}")
    @MethodSource("lockstepPairs")
    void lockstepFindsNoDivergence(MemoryTechnique memory, IsaVariant isa, String workload) {
        Lockstep.Outcome outcome = Lockstep.run(bareMetal(isa, workload), virtualMachine(memory, isa, workload));

        assertThat(outcome.divergence()).as("divergence").isEmpty();
    }

    private static Machine bareMetal(IsaVariant isa, String workload) {
        Machine bare = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(bare, TOYOS, workload);
        return bare;
    }

    static VirtualMachine virtualMachine(MemoryTechnique memory, IsaVariant isa, String workload) {
        int machineBytes = memory.ownsTheMachine() ? VmConfig.DEFAULT_MEMORY + Vmcs.SIZE : 48 << 20;
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(machineBytes).vt(true)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL), HARDWARE.create(), memory.create());
        Toyos.boot(vm, TOYOS, workload);
        return vm;
    }
}
