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
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Popek and Goldberg's equivalence, for the reference VMM: every toyos workload under
 * trap-and-emulate on the classic ISA, and under binary translation on the legacy ISA, leaves
 * exactly the observables of bare metal; trap-and-emulate on the legacy ISA does not.
 */
class EquivalenceTest {
    private static final Image TOYOS = Toyos.image(Toyos.Flavor.NATIVE);

    static Stream<Arguments> faithfulPairs() {
        return Stream.concat(
                Toyos.workloads().stream().map(w -> Arguments.of(new TrapAndEmulateTechnique(), IsaVariant.CLASSIC, w)),
                Toyos.workloads().stream().map(w -> Arguments.of(new BinaryTranslationTechnique(), IsaVariant.LEGACY, w)));
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @MethodSource("faithfulPairs")
    void everyWorkloadRunsAsOnBareMetal(CpuTechnique cpu, IsaVariant isa, String workload) {
        RunResult bare = bareMetal(isa, workload).run();
        VirtualMachine vm = virtualMachine(cpu, isa, workload);
        Equivalence.Verdict verdict = Equivalence.compare(bare, run(vm));
        assertThat(verdict.differences()).as("differences from bare metal").isEmpty();
    }

    @Test
    void binaryTranslationAlsoRunsOnTheClassicIsa() {
        RunResult bare = bareMetal(IsaVariant.CLASSIC, "all").run();
        VirtualMachine vm = virtualMachine(new BinaryTranslationTechnique(), IsaVariant.CLASSIC, "all");
        assertThat(Equivalence.compare(bare, run(vm)).differences()).isEmpty();
    }

    @Test
    void trapAndEmulateDivergesOnTheLegacyIsaAtAPopfThatIgnoredIf() {
        Machine bare = bareMetal(IsaVariant.LEGACY, "disk");
        VirtualMachine vm = virtualMachine(new TrapAndEmulateTechnique(), IsaVariant.LEGACY, "disk");

        Lockstep.Outcome outcome = Lockstep.run(bare, vm);

        assertThat(outcome.divergence()).isPresent();
        Lockstep.Divergence d = outcome.divergence().get();
        assertThat(d.text()).startsWith("popf");
        assertThat(d.differences()).containsExactly("IF: native 0, virtual 1");
        assertThat(d.describe()).contains("popf", "IF: native 0, virtual 1");
    }

    @Test
    void trapAndEmulateOnTheLegacyIsaFailsTheEquivalenceCheck() {
        RunResult bare = bareMetal(IsaVariant.LEGACY, "disk").run();
        VirtualMachine vm = virtualMachine(new TrapAndEmulateTechnique(), IsaVariant.LEGACY, "disk");
        assertThat(Equivalence.compare(bare, run(vm)).equivalent()).isFalse();
    }

    private static Machine bareMetal(IsaVariant isa, String workload) {
        Machine bare = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(bare, TOYOS, workload);
        return bare;
    }

    private static VirtualMachine virtualMachine(CpuTechnique cpu, IsaVariant isa, String workload) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(48 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL), cpu.create(),
                new ShadowPagingTechnique().create());
        Toyos.boot(vm, TOYOS, workload);
        return vm;
    }

    private static RunResult run(VirtualMachine vm) {
        return vm.run();
    }
}
