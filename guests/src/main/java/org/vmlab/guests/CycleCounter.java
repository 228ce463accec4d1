package org.vmlab.guests;

import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;

/**
 * Runs a guest image to completion and tells what the run cost in simulated cycles: the one thing
 * {@link Nanobench#measure} needs from whatever runs the guest. {@link #bareMetal} runs it on a
 * plain machine; a VMM supplies its own, which boots the image in a VM.
 */
@FunctionalInterface
public interface CycleCounter {
    /**
     * The simulated cycles of a complete run of {@code image}, from reset to power-off.
     *
     * @throws IllegalStateException if the guest did not power off by itself
     */
    long cycles(Image image);

    /** Runs each image on a fresh bare {@link Machine} built from {@code config}. */
    static CycleCounter bareMetal(MachineConfig config) {
        return image -> {
            Machine machine = new Machine(config);
            machine.load(image);
            RunResult result = machine.run();
            if (result.stopReason() != StopReason.HALT) {
                throw new IllegalStateException("the guest did not power off: "
                        + result.stopReason() + ", " + result.stopDetail());
            }
            return result.cycles();
        };
    }
}
