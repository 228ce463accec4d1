package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;

/**
 * The paravirtual toyos, on the paravirtual CPU and MMU, does observably what the native toyos
 * does on bare metal: every workload, on both ISA variants (a paravirtual kernel needs no
 * trapping popf, so the legacy ISA serves as well).
 */
class ParavirtualToyosTest {
    private static final Techniques TECHNIQUES = Techniques.installed(ParavirtualToyosTest.class.getClassLoader());

    static Stream<Arguments> workloadsOnBothVariants() {
        return Toyos.workloads().stream()
                .flatMap(w -> Stream.of(Arguments.of(w, IsaVariant.CLASSIC), Arguments.of(w, IsaVariant.LEGACY)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("workloadsOnBothVariants")
    void everyWorkloadIsObservablyEquivalentToTheNativeKernelOnBareMetal(String workload, IsaVariant isa) {
        Machine bare = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(bare, Toyos.image(Toyos.Flavor.NATIVE), workload);
        RunResult nativeRun = bare.run();
        CpuTechnique cpu = TECHNIQUES.cpu("paravirt").orElseThrow();
        MemoryTechnique memory = TECHNIQUES.memory("pv-mmu").orElseThrow();

        RunResult paravirtual = SingleVm.run(cpu, memory, isa, Toyos.FUEL,
                vm -> Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT), workload));

        assertThat(paravirtual.stopReason()).as(paravirtual.stopDetail() + "\n" + paravirtual.console())
                .isEqualTo(StopReason.HALT);
        assertThat(paravirtual.console()).isEqualTo(Toyos.expectedOutput(workload));
        Equivalence.Verdict verdict = Equivalence.compare(nativeRun, paravirtual, Equivalence.Level.OBSERVABLE);
        assertThat(verdict.differences()).isEmpty();
        assertThat(verdict.level()).isEqualTo(Equivalence.Level.OBSERVABLE);
    }
}
