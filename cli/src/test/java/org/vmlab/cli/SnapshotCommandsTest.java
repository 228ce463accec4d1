package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.vmlab;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.guests.Toyos;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.snapshot.Snapshot;
import org.vmlab.vmm.snapshot.SnapshotFile;

/**
 * {@code vmlab snapshot} saves a VM mid-run in a file and {@code vmlab restore} runs it on to the
 * end on a fresh host, under the techniques it was taken under or others, exactly as the guest
 * runs on bare metal; every bad input is one line on standard error and exit code 2. They run the
 * VMM, so they need the reference solutions (as {@link VmmCommandsTest}).
 */
class SnapshotCommandsTest {
    @TempDir
    static Path dir;
    static Path forkwait;

    @BeforeAll
    static void aSnapshotOfForkwaitUnderTrapAndEmulate() throws Exception {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions/src")), "the instructors' repository");
        forkwait = dir.resolve("forkwait.snap");
        Outcome o = vmlab("snapshot", "toyos", "-w", "forkwait", "--at", "1M", "-o", forkwait.toString());
        assertThat(o.exitCode()).as(o.err()).isZero();
        byte[] file = Files.readAllBytes(forkwait);
        Files.write(dir.resolve("truncated.snap"), Arrays.copyOf(file, file.length / 2));
        byte[] corrupted = file.clone();
        corrupted[corrupted.length / 2] ^= 0x10;
        Files.write(dir.resolve("corrupted.snap"), corrupted);
        byte[] version2 = file.clone();
        ByteBuffer.wrap(version2).putInt(8, 2);
        Files.write(dir.resolve("version2.snap"), version2);
        Files.writeString(dir.resolve("notes.txt"), "not a snapshot\n");
        // a well-formed file whose VM has a disk of 8 sectors, but whose board holds the whole toyos disk
        Snapshot s = SnapshotFile.read(new ByteArrayInputStream(file));
        VmConfig smallDisk = s.config().withDevices(s.config().devices().withDiskSectors(8));
        Files.write(dir.resolve("otherdisk.snap"), SnapshotFile.bytes(new Snapshot(s.guest(), s.isa(), s.techniques(),
                smallDisk, s.state(), s.pages())));
        Files.createDirectories(dir.resolve("folder.snap"));
    }

    @Test
    void snapshotSaysWhatItWrote() throws Exception {
        Path file = dir.resolve("disk.snap");

        Outcome o = vmlab("snapshot", "toyos", "-w", "disk", "--cpu", "hardware", "--mem", "nested", "--at", "200k",
                "-o", file.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).contains("snapshot:     " + file + ", toyos -w disk under hardware + nested on classic")
                .containsPattern("taken at:     200,0\\d\\d instructions \\(200,000 asked, \\d+ more to settle\\)")
                .containsPattern("pages:        \\d+ of 4,096 guest frames backed, 0 ballooned")
                .contains("written:      " + String.format("%,d", Files.size(file)) + " bytes, format version 1");
    }

    @Test
    void aRestoredVmRunsToTheEndAsOnBareMetal() {
        Outcome o = vmlab("restore", forkwait.toString(), "--compare");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).startsWith(Toyos.expectedOutput("forkwait"))
                .contains("vm:           vm, trap-emulate + shadow on classic")
                .contains("restored:     " + forkwait + ": toyos -w forkwait, taken under trap-emulate + shadow at"
                        + " 1,000,000 instructions")
                .containsPattern("stopped:      HALT at pc=0x[0-9a-f]{8} \\(\\w+")
                .contains("equivalence:  equivalent to bare metal run from the start");
    }

    @Test
    void aVmTakenUnderTrapAndEmulateAndShadowRunsOnUnderHardwareAndNestedPaging() {
        Outcome o = vmlab("restore", forkwait.toString(), "--cpu", "hardware", "--mem", "nested", "--compare", "-q");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("---").contains("vm:           vm, hardware + nested on classic")
                .containsPattern("exits: .*ept violation")
                .contains("equivalence:  equivalent to bare metal run from the start");
    }

    @Test
    void theNetworkWorkloadTakenWithADeviceModelRunsOnUnderBinaryTranslation() {
        Path file = dir.resolve("net.snap");
        assertThat(vmlab("snapshot", "toyos", "-w", "net", "--cpu", "hardware", "--mem", "nested", "--devices",
                "emulated", "--at", "100k", "-o", file.toString()).exitCode()).isZero();

        Outcome o = vmlab("restore", file.toString(), "--cpu", "binary-translation", "--mem", "shadow", "--compare",
                "-q");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("vm:           vm, binary-translation + shadow on classic",
                "taken under hardware + nested, devices emulated (hosted)", "equivalent to bare metal");
    }

    @Test
    void aProgramOfOneSAssemblySourceIsCarriedInTheSnapshotAndRunsOnWithItsSymbols() throws Exception {
        Path source = dir.resolve("countdown.s");
        Files.writeString(source, "start:\n    li r1, 100000\nloop:\n    addi r1, r1, -1\n    cmpi r1, 0\n"
                + "    bne loop\n    hlt\n");
        Path file = dir.resolve("countdown.snap");
        assertThat(vmlab("snapshot", source.toString(), "--at", "1000", "-o", file.toString()).exitCode()).isZero();
        Files.delete(source);

        Outcome o = vmlab("restore", file.toString(), "--cpu", "hardware", "--mem", "nested", "--compare");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("restored:     " + file + ": " + source + ", taken under trap-emulate + shadow"
                + " at 1,000 instructions", "stopped:      HALT at pc=0x00000018 (loop+0x10)",
                "instructions: 300,003, 299,003 since the restore", "equivalent to bare metal");
    }

    @Test
    void bothCommandsHaveHelp() {
        for (String command : new String[] {"snapshot", "restore"}) {
            Outcome o = vmlab(command, "--help");

            assertThat(o.exitCode()).isZero();
            assertThat(o.out()).startsWith(command.equals("snapshot") ? "Run a guest in a VM to an instruction"
                    : "Restore a VM from a snapshot file").contains("Usage: vmlab " + command, "Examples:");
        }
    }

    /** A command line (DIR stands for the fixtures' folder) and what its one line must say. */
    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("restore DIR/missing.snap", "DIR/missing.snap: no such file"),
                bad("restore DIR/folder.snap", "DIR/folder.snap is a folder, not a snapshot file"),
                bad("restore DIR/notes.txt", "DIR/notes.txt: not a vmlab snapshot (it does not begin with VMLABSNP)"),
                bad("restore DIR/version2.snap", "a snapshot of format version 2, but this vmlab reads version 1 only"),
                bad("restore DIR/truncated.snap", "DIR/truncated.snap: truncated: "),
                bad("restore DIR/corrupted.snap", "DIR/corrupted.snap: corrupted: the SHA-256 of its contents"),
                bad("restore DIR/otherdisk.snap", "DIR/otherdisk.snap: the snapshot does not fit the VM it describes:"
                        + " the disk's state is of 2048 sectors, this disk has 8"),
                bad("restore DIR/forkwait.snap --cpu warp", "unknown --cpu 'warp'"),
                bad("restore DIR/forkwait.snap --mem nested", "--mem nested is the processor's nested paging, which"
                        + " --cpu trap-emulate does not run"),
                bad("restore DIR/forkwait.snap --cpu paravirt", "cannot restore under paravirt + shadow: vm cannot be"
                        + " captured: a paravirtual guest's trap table"),
                bad("snapshot toyos -w forkwait --at 100M -o DIR/x.snap", "--at 100000000: toyos -w forkwait stopped"
                        + " (HALT) after 4,618,423 instructions: give --at below that"),
                bad("snapshot toyos -w forkwait --at -5 -o DIR/x.snap", "'-5' must be positive"),
                bad("snapshot toyos -w forkwait --at 0 -o DIR/x.snap", "'0' must be positive"),
                bad("snapshot toyos -w forkwait -o DIR/x.snap", "Missing required option: '--at=N'"),
                bad("snapshot toyos -w forkwait --at 1M", "Missing required option: '--output=FILE'"),
                bad("snapshot toyos -w nope --at 1M -o DIR/x.snap", "unknown workload 'nope'"),
                bad("snapshot toyos -w forkwait --at 1M --cpu paravirt --mem pv-mmu -o DIR/x.snap",
                        "vm cannot be captured: a paravirtual guest's trap table"),
                bad("snapshot toyos -w forkwait --at 1M --cpu hardware --mem identity -o DIR/x.snap",
                        "vm cannot be captured: under identity paging its memory is the machine's own"),
                bad("snapshot toyos -w forkwait --at 1M --devices passthrough -o DIR/x.snap",
                        "vm cannot be captured: its devices are assigned to it (passthrough)"),
                bad("snapshot toyos -w forkwait --at 1M -o DIR/notes.txt/x.snap", "-o DIR/notes.txt/x.snap"),
                bad("snapshot toyos -w forkwait --at 1M -o /proc/x.snap", "-o /proc/x.snap is on the kernel's proc"),
                bad("snapshot toyos -w forkwait --at 1M -o DIR/folder.snap", "-o DIR/folder.snap is a folder"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void everyBadInputIsOneLineAndExitCode2(String commandLine, String message) {
        String[] args = commandLine.replace("DIR", dir.toString()).split(" ");

        Outcome o = vmlab(args);

        assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines()).hasSize(1).allMatch(line -> line.startsWith("vmlab: "));
        assertThat(o.err()).contains(message.replace("DIR", dir.toString()));
        assertThat(o.out()).isEmpty();
        assertThat(dir.resolve("x.snap")).doesNotExist();
    }

    private static Arguments bad(String commandLine, String message) {
        return Arguments.of(commandLine, message);
    }
}
