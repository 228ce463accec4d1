package org.vmlab.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.replay.Digests;
import org.vmlab.vmm.replay.InputLog;
import org.vmlab.vmm.replay.RecordedEnd;

/**
 * A recorded run: the program, the machine or VM it ran on, every input it took, and how it
 * ended; all that {@code vmlab replay} needs to run it again exactly (docs/replay.md, whose
 * "The recording file" section is this record's documentation). {@link RecordingFile} reads and
 * writes it.
 *
 * @param format  always {@link #FORMAT}: what the file is
 * @param version the format's version, {@link #VERSION}
 * @param program what ran, and how it was built
 * @param machine the machine's configuration
 * @param vmm     the VMM's techniques, or null for a run on bare metal
 * @param inputs  the input log
 * @param end     how the run ended
 */
record Recording(String format, int version, Program program, MachineSetup machine, Vmm vmm, Inputs inputs,
        RecordedEnd end) {
    /** The {@code format} of every recording. */
    static final String FORMAT = "vmlab-recording";
    /** The version this vmlab writes and reads. */
    static final int VERSION = 1;

    Recording {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(end, "end");
    }

    /** A recording of this version. */
    static Recording of(Program program, MachineSetup machine, Vmm vmm, InputLog log, RecordedEnd end) {
        return new Recording(FORMAT, VERSION, program, machine, vmm, Inputs.of(log), end);
    }

    /** Whether the run was on bare metal. */
    boolean bareMetal() {
        return vmm == null;
    }

    /** Where the run ran, in words: "bare metal" or "trap-emulate + shadow". */
    String where() {
        return bareMetal() ? "bare metal" : vmm.cpu() + " + " + vmm.memory()
                + (vmm.devices() == null ? "" : ", --devices " + vmm.devices() + " (" + vmm.hosting() + ")");
    }

    /**
     * What ran.
     *
     * @param guest    as {@code vmlab run} was given it: toyos, FILE.s or FILE.img
     * @param workload toyos's command line (written at its boot_cmdline), or null for another guest
     * @param flavor   toyos's flavor, native or paravirt
     * @param defines  the -D symbols a .s guest was assembled with
     * @param image    the program as run, in the image file format (docs/assembler.md): the
     *                 replay loads these bytes and does not build the guest again
     */
    record Program(String guest, String workload, String flavor, Map<String, Integer> defines, byte[] image) {
        Program {
            Objects.requireNonNull(guest, "guest");
            Objects.requireNonNull(image, "image");
            defines = defines == null ? Map.of() : Map.copyOf(defines);
        }

        static Program of(String guest, String workload, String flavor, Map<String, Integer> defines, Image image) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                image.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Program(guest, workload, flavor, defines, bytes.toByteArray());
        }

        /** The image, read back. */
        Image loadImage() throws IOException {
            return Image.read(new ByteArrayInputStream(image));
        }
    }

    /**
     * The machine.
     *
     * @param isa        the ISA variant
     * @param memoryMib  the bare machine's RAM (a VM has 16 MiB of guest memory)
     * @param tlbEntries the TLB's entries
     * @param fuel       the run's fuel
     */
    record MachineSetup(String isa, int memoryMib, int tlbEntries, long fuel) {
        MachineSetup {
            Objects.requireNonNull(isa, "isa");
            if (memoryMib < 1 || memoryMib > 1024 || tlbEntries < 1 || Integer.bitCount(tlbEntries) != 1 || fuel < 1) {
                throw new IllegalArgumentException("no such machine: " + memoryMib + " MiB, " + tlbEntries
                        + " TLB entries, fuel " + fuel);
            }
        }

        IsaVariant isaVariant() {
            return IsaVariant.named(isa).orElseThrow(() -> new IllegalArgumentException("unknown ISA variant '" + isa + "'"));
        }
    }

    /**
     * The VMM that ran the guest in one VM.
     *
     * @param cpu     the CPU technique's name
     * @param memory  the memory technique's name
     * @param devices the device technique's name, or null for the VMM's own emulation
     * @param hosting where the device technique's work ran
     * @param impl    whose lab code recorded it (labs or solutions); a replay may run either
     */
    record Vmm(String cpu, String memory, String devices, String hosting, String impl) {
        Vmm {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
        }
    }

    /**
     * The input log, as the file holds it.
     *
     * @param consoleInput    what the guest could read from the console
     * @param diskSectors     the disk's size
     * @param diskImage       the disk's first bytes at power-on
     * @param diskImageSha256 their SHA-256, checked on reading
     * @param network         every frame the guest sent and the peer's answers, with their ticks
     */
    record Inputs(String consoleInput, int diskSectors, byte[] diskImage, String diskImageSha256,
            List<InputLog.Exchange> network) {
        Inputs {
            Objects.requireNonNull(consoleInput, "consoleInput");
            Objects.requireNonNull(diskImage, "diskImage");
            Objects.requireNonNull(diskImageSha256, "diskImageSha256");
            network = network == null ? List.of() : List.copyOf(network);
            if (!Digests.sha256(diskImage).equals(diskImageSha256)) {
                throw new IllegalArgumentException("the disk image does not match its SHA-256");
            }
        }

        static Inputs of(InputLog log) {
            return new Inputs(log.consoleInput(), log.diskSectors(), log.diskImage(), log.diskImageDigest(),
                    log.exchanges());
        }

        InputLog log() {
            return new InputLog(consoleInput, diskSectors, diskImage, network);
        }
    }
}
