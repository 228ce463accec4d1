package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.compiled.CompiledEngine;

/**
 * toyos's workloads, booted natively, give the same run on the compiled engine as on the
 * interpreter: the same RunResult (console, devices, registers, memory digest, instructions,
 * ticks, cycles, every counter), with most of the compute loop run compiled.
 */
class CompiledEngineToyosTest {

    private static RunResult boot(String workload, EngineFactory engine) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).engine(engine).build());
        Toyos.boot(machine, workload);
        return machine.run();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute", "all", "syscall", "pagefault", "ctxswitch", "disk"})
    void aWorkloadRunsAsOnTheInterpreter(String workload) {
        RunResult interpreted = boot(workload, EngineFactory.INTERPRETER);
        RunResult compiled = boot(workload, CompiledEngine::new);

        assertThat(compiled.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(compiled.console()).isEqualTo(Toyos.expectedOutput(workload));
        assertThat(compiled).isEqualTo(interpreted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute"})
    void theComputeLoopRunsMostlyCompiled(String workload) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).engine(CompiledEngine::new).build());
        Toyos.boot(machine, workload);

        RunResult result = machine.run();

        CompiledEngine engine = (CompiledEngine) machine.cpu().engine();
        assertThat(engine.compiledInstructions()).isGreaterThan(result.instructions() / 2);
    }
}
