package org.vmlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.EchoPeer;
import org.vmlab.vmm.replay.InputLog;
import org.vmlab.vmm.replay.RecordedEnd;
import org.vmlab.vmm.replay.RecordingPeer;

/**
 * {@code vmlab run --record FILE}: the recorded side's devices log what the network peer answers,
 * and when the run is over the program, the machine, the inputs and the end go to {@code FILE}.
 */
final class RunRecorder {
    private final Path file;
    private final Recording.Program program;
    private final Recording.MachineSetup machine;
    private final Recording.Vmm vmm;
    private final RecordingPeer peer = new RecordingPeer(new EchoPeer());
    private final DeviceConfig devices = DeviceConfig.defaults().withNetworkPeer(peer);

    /**
     * @param file    where the recording goes (checked already)
     * @param vmm     the techniques, or null for bare metal
     */
    RunRecorder(Path file, Recording.Program program, Recording.MachineSetup machine, Recording.Vmm vmm) {
        this.file = file;
        this.program = program;
        this.machine = machine;
        this.vmm = vmm;
    }

    /** The devices the recorded side runs with: the defaults, the peer recorded. */
    DeviceConfig devices() {
        return devices;
    }

    /** The run is over: writes the recording of {@code result} and says so. */
    void finished(RunResult result, PrintWriter out) {
        InputLog log = new InputLog(devices.consoleInput(), devices.diskSectors(), devices.diskImage(),
                peer.exchanges(result.observables().frames()));
        Recording recording = Recording.of(program, machine, vmm, log, RecordedEnd.of(result));
        RecordingFile.write(recording, file);
        out.printf("recorded:     %s: %,d instructions, %,d network frames from the peer (vmlab replay %s --to N)%n",
                file, result.instructions(), log.deliveries(), file);
    }
}
