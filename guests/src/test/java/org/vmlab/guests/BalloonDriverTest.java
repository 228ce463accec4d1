package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.machine.device.DeviceConfig;

/**
 * toyos's balloon driver on bare metal: with the configuration's target it gives that many frames
 * back and every workload still prints what it should; with a target beyond what the kernel can
 * spare it stops inflating instead of panicking; and memhog K, in the kernel built with it, prints
 * the same line for every K.
 */
class BalloonDriverTest {
    private static RunResult run(int target, String workload, boolean memhog) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL)
                .devices(DeviceConfig.defaults().withBalloonTarget(target)).build());
        Toyos.boot(machine, memhog ? Toyos.memhogImage() : Toyos.image(Toyos.Flavor.NATIVE), workload);
        RunResult result = machine.run();
        assertThat(result.stopReason()).as(result.stopDetail()).isEqualTo(StopReason.HALT);
        return result;
    }

    private static int size(String workload, int target) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL)
                .devices(DeviceConfig.defaults().withBalloonTarget(target)).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), workload);
        machine.run();
        return machine.board().standard().balloon().size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "pagefault", "forkwait", "disk"})
    void withATargetTheDriverGivesFramesBackAndTheWorkloadRunsAsItShould(String workload) {
        RunResult result = run(500, workload, false);

        assertThat(result.console()).isEqualTo(Toyos.expectedOutput(workload));
        assertThat(size(workload, 500)).isEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void theDriverHoldsWhatItCanSpareAndNeverPanics(int target) {
        RunResult result = run(target, "all", false);

        assertThat(result.console()).isEqualTo(Toyos.expectedOutput("all"));
        int frames = (0x00C0_0000 - 0x0010_0000) / 4096;
        assertThat(size("all", target)).isBetween(target == 0 ? 0 : frames - 64 - 64, target == 0 ? 0 : frames - 64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memhog 0", "memhog 3", "memhog 8"})
    void memhogPrintsTheSameLineWhenEverItsBurstComes(String line) {
        assertThat(run(0, line, true).console()).isEqualTo(Toyos.expectedOutput("memhog"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memhog 2"})
    void theStandardKernelHasNoMemhog(String line) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), line);
        assertThat(machine.run().console()).contains("init: no such program: memhog");
        assertThat(BalloonDevice.BASE).isEqualTo(0x5C0);
    }
}
