package org.vmlab.vmm.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmState;

/**
 * A VM saved as a value: what it runs, what it was given, the techniques it ran under, its
 * state ({@link VmState}) and its pages. Enough to build the same VM on a fresh host, under the
 * same techniques or others, and let it go on exactly as if it had never stopped: a snapshot in
 * the sense of Firecracker's (the device models' state as plain records, guest memory as its
 * pages) and of VMware's suspend and resume. {@link SnapshotFile} writes and reads it.
 *
 * <p>What the VMM keeps for the guest besides (shadow tables, translations, the VMCS) is not here:
 * the techniques of the VM it is restored on rebuild it. Nor are the VMM's counters and cycles,
 * which count one host's work.
 *
 * @param guest      the program the VM runs, so that a restore names its symbols and a comparison
 *                   boots the same program on bare metal
 * @param isa        the host's ISA variant, by name ({@code classic}, {@code legacy})
 * @param techniques the techniques it was taken under, as the command line names them
 * @param config     what the VM was given: its memory, frame limit, fuel and devices
 * @param state      its vCPU and board
 * @param pages      its guest-physical memory
 */
public record Snapshot(Guest guest, String isa, TechniqueNames techniques, VmConfig config, VmState state,
        GuestPages pages) {
    public Snapshot {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(isa, "isa");
        Objects.requireNonNull(techniques, "techniques");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(pages, "pages");
        if (pages.frames() != config.memoryBytes() / org.vmlab.machine.memory.PhysicalMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("the pages are of " + pages.frames() + " guest frames, the VM has "
                    + config.memoryBytes() / org.vmlab.machine.memory.PhysicalMemory.PAGE_SIZE);
        }
    }

    /**
     * Takes a snapshot of {@code vm}, switched out between two runs of its guest: it is first run
     * on to a point where no technique holds an event in flight ({@link VirtualMachine#settle},
     * at most {@code settleLimit} instructions more), then captured with every backed page.
     *
     * @throws VirtualMachine.NotCapturable if a technique refuses, or the VM does not settle in time
     */
    public static Snapshot take(VirtualMachine vm, Guest guest, String isa, TechniqueNames techniques,
            long settleLimit) {
        vm.whyNotCapturable().ifPresent(why -> {
            throw new VirtualMachine.NotCapturable(why);
        });
        vm.switchIn();
        boolean settled;
        try {
            settled = vm.settle(settleLimit);
        } finally {
            vm.switchOut();
        }
        if (!settled) {
            throw new VirtualMachine.NotCapturable(vm.name() + " cannot be captured now: its CPU technique still"
                    + " holds an event in flight after " + settleLimit + " more instructions");
        }
        VmState state = vm.capture();
        return new Snapshot(guest, isa, techniques, vm.config(), state, GuestPages.of(vm.memory()));
    }

    /**
     * Puts this snapshot on {@code vm}, a fresh VM (its guest never run) made with {@link #config}
     * under any techniques that can capture: its pages (ballooned frames ballooned again), then its
     * vCPU and board; the guest's symbols name its places. Its memory's digest is then checked.
     *
     * @throws IllegalArgumentException if the VM's memory is not the snapshot's, the board does
     *         not fit its devices, or its memory afterwards is not what was saved; the VM is then
     *         to be thrown away
     * @throws IllegalStateException    if the VM has run already or is switched in
     */
    public void restoreOnto(VirtualMachine vm) {
        if (vm.memory().frames() != pages.frames()) {
            throw new IllegalArgumentException("the snapshot is of a VM of " + pages.frames()
                    + " guest frames, this VM has " + vm.memory().frames());
        }
        if (vm.vcpu().ticks() != 0) {
            throw new IllegalStateException("restore onto a VM whose guest has not run yet, not onto " + vm.name());
        }
        pages.restoreInto(vm.memory());
        vm.restore(state);
        vm.useSymbols(guest.image().symbols());
        String digest = vm.memory().digest();
        if (!digest.equals(pages.digest())) {
            throw new IllegalArgumentException("the restored memory's digest is " + digest + ", the snapshot's "
                    + pages.digest());
        }
    }

    /**
     * The program a VM runs, as the command line names it, and its image.
     *
     * @param program  {@code toyos}, or the file the image came from
     * @param workload the toyos workload (its command line), or "" for another program
     * @param image    the image loaded into the VM, with its symbols
     */
    public record Guest(String program, String workload, Image image) {
        public Guest {
            Objects.requireNonNull(program, "program");
            Objects.requireNonNull(workload, "workload");
            Objects.requireNonNull(image, "image");
        }

        /** The image's bytes in the image file format ({@link Image#write}). */
        public byte[] imageBytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                image.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** SHA-256 of {@link #imageBytes}, in hex: which build of the program this is. */
        public String imageDigest() {
            return SnapshotFile.sha256Hex(imageBytes());
        }

        /** How the command line names it: {@code toyos -w forkwait}, or the program alone. */
        public String describe() {
            return workload.isEmpty() ? program : program + " -w " + workload;
        }
    }

    /**
     * The techniques, as the command line names them ({@code --cpu}, {@code --mem}, {@code
     * --devices}, {@code --hosting}).
     *
     * @param cpu     the CPU technique
     * @param memory  the memory technique
     * @param devices the device technique, or "" for the VMM's own emulation of the devices
     * @param hosting where the device technique's work runs ({@code hosted}, {@code bare-metal})
     */
    public record TechniqueNames(String cpu, String memory, String devices, String hosting) {
        public TechniqueNames {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
            Objects.requireNonNull(devices, "devices");
            Objects.requireNonNull(hosting, "hosting");
        }

        /** {@code trap-emulate + shadow}, with the devices if named. */
        public String describe() {
            return cpu + " + " + memory + (devices.isEmpty() ? "" : ", devices " + devices + " (" + hosting + ")");
        }
    }
}
