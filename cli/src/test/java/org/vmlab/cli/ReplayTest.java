package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.vmlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.NetworkPeer;
import org.vmlab.vmm.LockstepSide;
import org.vmlab.vmm.replay.Digests;
import org.vmlab.vmm.replay.InputLog;
import org.vmlab.vmm.replay.RecordedEnd;
import org.vmlab.vmm.replay.RecordingPeer;
import org.vmlab.vmm.replay.ReplayDivergence;
import org.vmlab.vmm.replay.ReplayingPeer;
import org.vmlab.vmm.replay.TimeTravel;

/**
 * Record and replay: a recording holds all a run takes in, and a replay from it is the recorded
 * run again, instruction for instruction, on bare metal and under the VMM's techniques; a replay
 * goes to any instruction and back; a damaged recording is one clear line.
 */
class ReplayTest {
    @TempDir
    static Path dir;
    static Path bareNet;

    @BeforeAll
    static void aRecordingOfTheNetWorkloadOnBareMetal() {
        bareNet = dir.resolve("net.rec");
        Outcome o = vmlab("run", "toyos", "-w", "net", "-q", "--record", bareNet.toString());
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("recorded:     " + bareNet + ": 217,443 instructions, 8 network frames");
    }

    private static boolean solutions() {
        return Files.isDirectory(Home.root().resolve("solutions/src"));
    }

    @Test
    void aRecordingReadBackAndWrittenAgainIsTheSameFile() throws IOException {
        Recording read = RecordingFile.read(bareNet.toString());
        Path again = dir.resolve("again.rec");
        RecordingFile.write(read, again);

        assertThat(json(again)).isEqualTo(json(bareNet));
        assertThat(read.version()).isEqualTo(Recording.VERSION);
        assertThat(read.bareMetal()).isTrue();
        assertThat(read.program().workload()).isEqualTo("net");
        assertThat(read.inputs().network()).hasSize(8)
                .allSatisfy(e -> assertThat(e.deliveries()).singleElement()
                        .satisfies(d -> assertThat(d.tick()).isEqualTo(e.sentTick() + 2000)));
        assertThat(read.end().instructions()).isEqualTo(217_443);
    }

    @Test
    void aReplayOnBareMetalReproducesTheRecordedEndOfEveryWorkload() {
        for (String workload : List.of("all", "net", "disk")) {
            Path file = dir.resolve("bare-" + workload + ".rec");
            assertThat(vmlab("run", "toyos", "-w", workload, "-q", "--record", file.toString()).exitCode()).isZero();

            Outcome o = vmlab("replay", file.toString());

            assertThat(o.exitCode()).as(workload + ": " + o.err()).isZero();
            assertThat(o.out()).contains("verdict:      reproduced: ");
        }
    }

    @Test
    void aReplayUnderTrapAndEmulateWithShadowPagingAndUnderHardwareWithNestedPagingReproducesTheRecordedEnd() {
        assumeTrue(solutions(), "the instructors' repository");
        for (String[] vmm : List.of(new String[] {"--cpu", "trap-emulate", "--mem", "shadow"},
                new String[] {"--cpu", "hardware", "--mem", "nested", "--isa", "legacy"})) {
            for (String workload : List.of("net", "disk")) {
                Path file = dir.resolve(vmm[1] + "-" + workload + ".rec");
                List<String> run = new ArrayList<>(List.of("run", "toyos", "-w", workload, "-q", "--record", file.toString()));
                run.addAll(Arrays.asList(vmm));
                assertThat(vmlab(run.toArray(String[]::new)).exitCode()).isZero();

                Outcome replay = vmlab("replay", file.toString());
                Outcome lockstep = vmlab("replay", file.toString(), "--divergence");

                assertThat(replay.exitCode()).as(replay.err()).isZero();
                assertThat(replay.out()).contains(vmm[1] + " + " + vmm[3], "verdict:      reproduced: ");
                assertThat(lockstep.exitCode()).as(lockstep.err()).isZero();
                assertThat(lockstep.out()).contains("no divergence in ");
            }
        }
    }

    @Test
    void aVmReplayedToAnInstructionStandsWhereBareMetalStandsAfterIt() {
        assumeTrue(solutions(), "the instructors' repository");
        Path file = dir.resolve("nested-net-to.rec");
        vmlab("run", "toyos", "-w", "net", "-q", "--cpu", "hardware", "--mem", "nested", "--isa", "legacy",
                "--record", file.toString());
        Recording recording = RecordingFile.read(file.toString());
        RecordedRun run = new RecordedRun(recording, "vm", () -> LabCode.techniques(LabCode.Impl.solutions));

        TimeTravel.Position inVm = new TimeTravel(run::recorded, recording.end().instructions()).to(123_457);
        TimeTravel.Position bare = new TimeTravel(run::bare, recording.end().instructions()).to(123_457);

        assertThat(inVm.instructions()).isEqualTo(123_457);
        assertThat(inVm).isEqualTo(bare);
    }

    @Test
    void divergenceNamesWhereTrapAndEmulateOnTheLegacyIsaLeavesBareMetal() {
        assumeTrue(solutions(), "the instructors' repository");
        Path file = dir.resolve("legacy.rec");
        vmlab("run", "toyos", "-w", "syscall", "-q", "--cpu", "trap-emulate", "--isa", "legacy", "--record", file.toString());

        Outcome o = vmlab("replay", file.toString(), "--divergence");

        assertThat(o.exitCode()).isEqualTo(VirtualizedRun.DIVERGED);
        assertThat(o.out()).containsPattern("verdict: .*(guest diverged from bare metal at instruction|memory first differs)");
    }

    @Test
    void aProgramOfOnesOwnIsReplayedFromTheImageInTheRecordingWithoutItsSource() throws IOException {
        Path source = Files.writeString(dir.resolve("mine.s"), String.join("\n",
                "start:", "    li r1, CHAR", "    out 0x3f8, r1", "    hlt", ""));
        Path file = dir.resolve("mine.rec");
        assertThat(vmlab("run", source.toString(), "-q", "-D", "CHAR=0x41", "--record", file.toString()).exitCode()).isZero();
        Files.delete(source);

        Outcome o = vmlab("replay", file.toString(), "--to", "3");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("mine.s on classic, 4 instructions recorded (HALT), bare metal",
                "pc:           0x0000000c (start+0xc) `hlt` (next)", "r1=0x00000041");
        assertThat(RecordingFile.read(file.toString()).program().defines()).containsEntry("CHAR", 0x41);
    }

    @Test
    void aReplayToNAndBackAndForthStandsWhereAFreshReplayToNStands() {
        Recording recording = RecordingFile.read(bareNet.toString());
        RecordedRun run = new RecordedRun(recording, "net.rec", () -> null);
        TimeTravel travel = new TimeTravel(run::recorded, recording.end().instructions());

        TimeTravel.Position at = travel.to(100_000);
        TimeTravel.Position before = travel.back(1);
        TimeTravel.Position again = travel.step(1);
        TimeTravel.Position fresh = new TimeTravel(run::recorded, recording.end().instructions()).to(100_000);

        assertThat(again).isEqualTo(at).isEqualTo(fresh);
        assertThat(before.instructions()).isEqualTo(99_999);
        assertThat(before.recent()).hasSize(TimeTravel.HISTORY);
        assertThat(before.recent().get(TimeTravel.HISTORY - 1).instruction()).isEqualTo(99_999);
        assertThat(at.recent().get(TimeTravel.HISTORY - 1).pc()).isEqualTo(before.pc());
        assertThat(at.ticks()).isGreaterThanOrEqualTo(at.instructions());
        assertThat(travel.replays()).isEqualTo(2);
    }

    @Test
    void theStateAtTheLastInstructionIsTheRecordedEnd() {
        Recording recording = RecordingFile.read(bareNet.toString());
        RecordedRun run = new RecordedRun(recording, "net.rec", () -> null);
        TimeTravel travel = new TimeTravel(run::recorded, recording.end().instructions());

        TimeTravel.Position end = travel.to(travel.end());

        assertThat(end.stopped()).isEqualTo(recording.end().stopReason());
        assertThat(end.ticks()).isEqualTo(recording.end().ticks());
        assertThatThrownBy(() -> travel.to(travel.end() + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the recorded run");
    }

    /** A peer that a replay could not compute: it answers with the frame reversed, after a delay of its own. */
    private static final class ReversingPeer implements NetworkPeer {
        @Override
        public List<Reply> answer(byte[] frame) {
            byte[] reversed = new byte[frame.length];
            for (int i = 0; i < frame.length; i++) {
                reversed[i] = frame[frame.length - 1 - i];
            }
            return List.of(new Reply(1234 + frame.length, reversed));
        }
    }

    @Test
    void theReplaysFramesComeFromTheLogNotFromAPeer() {
        RecordingPeer recorder = new RecordingPeer(new ReversingPeer());
        DeviceConfig devices = DeviceConfig.defaults().withNetworkPeer(recorder);
        Machine recorded = new Machine(MachineConfig.builder().devices(devices).build());
        Toyos.boot(recorded, "net");
        RunResult run = recorded.run();
        InputLog log = new InputLog("", devices.diskSectors(), new byte[0], recorder.exchanges(run.observables().frames()));

        ReplayingPeer player = new ReplayingPeer(log.exchanges());
        Machine replay = new Machine(MachineConfig.builder().devices(log.replayDevices(player)).build());
        Toyos.boot(replay, "net");
        RunResult replayed = replay.run();

        assertThat(run.console()).as("the guest saw no echoes").contains("MISMATCH");
        assertThat(RecordedEnd.of(run).differences(replayed)).isEmpty();
        assertThat(Digests.observables(replayed.observables())).isEqualTo(Digests.observables(run.observables()));
        assertThat(player.used()).isEqualTo(log.exchanges().size()).isEqualTo(8);
    }

    @Test
    void aReplayThatAsksForInputTheLogLacksStopsNamingTheInstruction() {
        Recording recording = RecordingFile.read(bareNet.toString());
        List<InputLog.Exchange> fewer = recording.inputs().network().subList(0, 3);
        InputLog log = new InputLog("", 2048, new byte[0], fewer);
        TimeTravel travel = new TimeTravel(() -> {
            Machine m = new Machine(MachineConfig.builder().devices(log.replayDevices(new ReplayingPeer(fewer))).build());
            Toyos.boot(m, "net");
            return LockstepSide.of(m);
        }, recording.end().instructions());

        assertThatThrownBy(travel::runToTheEnd).isInstanceOf(ReplayDivergence.class)
                .hasMessageMatching("the guest sent network frame #4, but the recording holds the peer's answers to 3"
                        + " frames only: input the log lacks, at instruction [0-9,]+, pc=0x[0-9a-f]{8} \\(.*\\)");
    }

    @Test
    void aRecordingWithAnAlteredFrameDivergesAtTheEnd() throws IOException {
        ObjectNode tree = (ObjectNode) json(bareNet);
        ObjectNode delivery = (ObjectNode) tree.get("inputs").get("network").get(0).get("deliveries").get(0);
        byte[] bytes = delivery.get("bytes").binaryValue();
        bytes[0] ^= 1;
        delivery.put("bytes", bytes);
        Path altered = write(dir.resolve("altered.rec"), tree);

        Outcome o = vmlab("replay", altered.toString());

        assertThat(o.exitCode()).isEqualTo(VirtualizedRun.DIVERGED);
        assertThat(o.err()).startsWith("vmlab: the replay diverged from the recording: ").contains("observables");
    }

    @Test
    void theReplayCommandPrintsTheStateAtAnInstruction() {
        Outcome o = vmlab("replay", bareNet.toString(), "--to", "5000", "--back", "1");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("at:           instruction 4,999, tick 4,999", "cpl:          0", "last:")
                .containsPattern("pc:           0x[0-9a-f]{8} \\(\\S+\\) `[^`]+` \\(next\\)")
                .containsPattern("(?m)^  r0=0x[0-9a-f]{8} ");
        assertThat(vmlab("replay", bareNet.toString(), "--to", "4998", "--step", "1").out())
                .isEqualTo(o.out());
    }

    @Test
    void anInteractiveSessionTravelsAndShowsMemory() throws IOException {
        Recording recording = RecordingFile.read(bareNet.toString());
        RecordedRun run = new RecordedRun(recording, "net.rec", () -> null);
        StringWriter text = new StringWriter();
        ReplaySession session = new ReplaySession(new TimeTravel(run::recorded, recording.end().instructions()),
                new PrintWriter(text, true), true);

        int refused = session.run(new BufferedReader(new StringReader(String.join("\n",
                "to 1000", "back", "step 2", "regs", "mem 0x1000 32", "back 5000", "to 1G", "jump", "quit", "to 1"))));

        assertThat(refused).isEqualTo(3);
        assertThat(text.toString()).contains("(replay 0) to 1000", "(replay 1,000) back", "(replay 999) step 2",
                "instruction 1,000, tick", "instruction 999, tick", "instruction 1,001, tick",
                "0x00001000: ", "0x00001010: ", "error: back 5,000 would go before the start",
                "error: instruction 1,000,000,000 is outside the recorded run", "error: unknown command 'jump'")
                .doesNotContain("instruction 1, tick");
    }

    /** A bad recording or command line, and what its one line says. */
    static Stream<Arguments> mistakes() throws IOException {
        Path text = Files.writeString(dir.resolve("text.rec"), "not a recording");
        Path empty = Files.writeString(dir.resolve("empty.rec"), "");
        byte[] whole = Files.readAllBytes(bareNet);
        Path truncated = Files.write(dir.resolve("truncated.rec"), Arrays.copyOf(whole, whole.length / 2));
        Path notJson = gzip(dir.resolve("notjson.rec"), "{ this is not JSON");
        Path otherJson = gzip(dir.resolve("other.rec"), "{\"hello\": 1}");
        ObjectNode v2 = (ObjectNode) json(bareNet);
        v2.put("version", 2);
        Path version2 = write(dir.resolve("v2.rec"), v2);
        ObjectNode noEnd = (ObjectNode) json(bareNet);
        noEnd.remove("end");
        Path withoutEnd = write(dir.resolve("noend.rec"), noEnd);
        ObjectNode badDisk = (ObjectNode) json(bareNet);
        ((ObjectNode) badDisk.get("inputs")).put("diskImageSha256", "00");
        Path wrongDisk = write(dir.resolve("disk.rec"), badDisk);
        ObjectNode badImage = (ObjectNode) json(bareNet);
        ((ObjectNode) badImage.get("program")).put("image", new byte[] {1, 2, 3});
        Path wrongImage = write(dir.resolve("image.rec"), badImage);
        String net = bareNet.toString();
        return Stream.of(
                Arguments.of(List.of("replay", dir.resolve("missing.rec").toString()), "missing.rec: no such file"),
                Arguments.of(List.of("replay", dir.toString()), "is a folder, not a file"),
                Arguments.of(List.of("replay", empty.toString()), "not a vmlab recording (the file is empty"),
                Arguments.of(List.of("replay", text.toString()), "not a vmlab recording (not gzip-compressed"),
                Arguments.of(List.of("replay", truncated.toString()), "the recording is truncated or corrupt"),
                Arguments.of(List.of("replay", notJson.toString()), "the recording is corrupt: not JSON"),
                Arguments.of(List.of("replay", otherJson.toString()), "not a vmlab recording (its JSON has no \"format\""),
                Arguments.of(List.of("replay", version2.toString()), "a recording of format version 2; this vmlab reads version 1"),
                Arguments.of(List.of("replay", withoutEnd.toString()), "the recording is corrupt: "),
                Arguments.of(List.of("replay", wrongDisk.toString()), "the disk image does not match its SHA-256"),
                Arguments.of(List.of("replay", wrongImage.toString()), "the recording is corrupt: its program"),
                Arguments.of(List.of("replay", net, "--to", "217444"),
                        "--to 217444 is beyond the recorded run, which retired 217,443 instructions (0..217,443)"),
                Arguments.of(List.of("replay", net, "--to", "217443", "--step", "1"), "instruction 217444 is beyond the recorded run"),
                Arguments.of(List.of("replay", net, "--to", "5", "--back", "6"), "is before the start of the recorded run"),
                Arguments.of(List.of("replay", net, "--to", "lots"), "'lots' is not a count"),
                Arguments.of(List.of("replay", net, "--to", "-1"), "must be 0 or more"),
                Arguments.of(List.of("replay", net, "--back", "1"), "--step and --back move from --to N: add --to N"),
                Arguments.of(List.of("replay", net, "--divergence"), "was recorded on bare metal"),
                Arguments.of(List.of("replay", net, "--divergence", "--to", "5"), "leave out --to"),
                Arguments.of(List.of("replay", net, "--tos", "5"), "did you mean --to?"),
                Arguments.of(List.of("replay"), "Missing required parameter: 'FILE'"),
                Arguments.of(List.of("run", "toyos", "--record", dir.toString()), "--record " + dir + " is a folder, not a file"),
                Arguments.of(List.of("run", "toyos", "--cpu", "trap-emulate", "--vms", "2", "--record", dir.resolve("x.rec").toString()),
                        "--record records one VM as its VMM runs it alone: leave out --vms"));
    }

    @ParameterizedTest(name = "vmlab {0}")
    @MethodSource("mistakes")
    void aBadRecordingOrCommandLineIsOneLineAndExitCode2(List<String> args, String says) {
        Outcome o = vmlab(args.toArray(String[]::new));

        assertThat(o.exitCode()).as(o.err()).isEqualTo(Vmlab.USAGE);
        assertThat(o.err().lines()).as(o.err()).hasSize(1);
        assertThat(o.err()).startsWith("vmlab: ").contains(says).doesNotContain("Exception", "\tat ", "internal error");
        assertThat(o.out()).as("refused before any work").isEmpty();
    }

    @Test
    void replayHasHelp() {
        Outcome o = vmlab("replay", "--help");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("Usage: vmlab replay", "--to=N", "--step=K", "--back=K", "--divergence", "--interactive");
        assertThat(vmlab("run", "--help").out()).contains("--record=FILE");
    }

    private static JsonNode json(Path recording) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(recording))) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static Path write(Path file, JsonNode tree) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            new ObjectMapper().writeValue(out, tree);
        }
        return file;
    }

    private static Path gzip(Path file, String content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return file;
    }
}
