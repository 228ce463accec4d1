package org.vmlab.guests;

import java.util.List;
import java.util.Optional;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;

/**
 * The hostile guests: standalone guest kernels ({@code attacks/*.s}), each an attack that a
 * virtual machine monitor must contain. On bare metal every one succeeds, which shows that the
 * attack is real. {@link Attacks} builds their images and plants the secret they look for.
 *
 * <p>Each reports on the console in one line that starts {@code attack ID: }; {@link #outcome}
 * reads it.
 */
public enum Attack {
    /** Page tables that map every physical frame of the machine, scanned for the secret. */
    MAP_FOREIGN("map-foreign", Goal.READ_SECRET,
            "builds page tables mapping every frame up to MACHINE_END and scans them for the secret",
            "memory virtualization: guest frames translated and checked (shadow, paravirtual MMU, nested)"),
    /** A store into the live page table, mapping the secret's frame, then a read through it. */
    WRITE_PAGETABLE("write-pagetable", Goal.READ_SECRET,
            "writes an entry of its live page table (no invlpg) to map SECRET_ADDR and reads it",
            "shadow paging: guest page-table writes traced and validated"),
    /** A plain read, paging off, of a physical address beyond the guest's memory. */
    READ_VMM("read-vmm", Goal.READ_SECRET,
            "with paging off, reads SECRET_ADDR, beyond its memory",
            "memory virtualization: guest-physical memory is only the VM's"),
    /** The disk asked to copy the secret to a sector, which the guest then reads back. */
    DMA_READ("dma-read", Goal.READ_SECRET,
            "has the disk write sector 0 from SECRET_ADDR by DMA, reads the sector back",
            "device virtualization: DMA addresses checked by the device model or an IOMMU"),
    /** The disk asked to read a sector of the guest's into the secret's frame. */
    DMA_WRITE("dma-write", Goal.OVERWRITE_SECRET,
            "has the disk read a sector of its own into SECRET_ADDR by DMA",
            "device virtualization: DMA addresses checked by the device model or an IOMMU"),
    /** cli, then a loop forever. */
    INTERRUPTS_OFF("interrupts-off", Goal.KEEP_CPU,
            "starts the timer, masks interrupts (cli) and loops forever",
            "CPU virtualization: a virtual IF, and the VMM's own timer to preempt the VM"),
    /** Every line masked at the interrupt controller, interrupts on, a loop forever. */
    PIC_MASK("pic-mask", Goal.KEEP_CPU,
            "starts the timer, masks every line at the PIC (out 0x21, 0xff), sti, loops forever",
            "device virtualization: the guest programs a virtual interrupt controller only");

    /** What an attack is after, and so what its success looks like. */
    public enum Goal {
        /** Read the secret: {@code attack ID: found the secret at physical 0x...}. */
        READ_SECRET,
        /** Overwrite the secret: {@code attack ID: overwrote physical 0x...}. */
        OVERWRITE_SECRET,
        /**
         * Keep the CPU: the guest says it spins, and only fuel ends the run. A VM's own run ends
         * that way under any VMM too; containment shows in the other VMs, which still finish.
         */
        KEEP_CPU
    }

    /** How a run of an attack ended, as its console and stop reason tell. */
    public enum Outcome {
        /** The attack got what it was after. */
        SUCCEEDED,
        /** The attack ran to its end and reported that it failed. */
        FAILED,
        /** No report: the guest was stopped (or faulted) before it could say anything. */
        NO_REPORT
    }

    private final String id;
    private final Goal goal;
    private final String description;
    private final String containedBy;

    Attack(String id, Goal goal, String description, String containedBy) {
        this.id = id;
        this.goal = goal;
        this.description = description;
        this.containedBy = containedBy;
    }

    /** The name, as the guest prints it after {@code attack }. */
    public String id() {
        return id;
    }

    public Goal goal() {
        return goal;
    }

    /** One line: what the guest does. */
    public String description() {
        return description;
    }

    /** The VMM mechanism that must contain it. */
    public String containedBy() {
        return containedBy;
    }

    /** The source, as a classpath resource path. */
    public String source() {
        return Attacks.SOURCE_DIR + id.replace('-', '_') + ".s";
    }

    /** The console line this attack printed ({@code attack ID: ...}), if it printed one. */
    public Optional<String> report(String console) {
        String prefix = "attack " + id + ": ";
        return console.lines().filter(l -> l.startsWith(prefix)).reduce((first, last) -> last);
    }

    /** Whether the attack succeeded in {@code run}: its report line, and for KEEP_CPU how it ended. */
    public Outcome outcome(RunResult run) {
        Optional<String> report = report(run.console());
        if (report.isEmpty()) {
            return Outcome.NO_REPORT;
        }
        String said = report.get().substring(("attack " + id + ": ").length());
        boolean succeeded = switch (goal) {
            case READ_SECRET -> said.startsWith("found the secret at physical ");
            case OVERWRITE_SECRET -> said.startsWith("overwrote physical ");
            case KEEP_CPU -> run.stopReason() == StopReason.FUEL_EXHAUSTED;
        };
        return succeeded ? Outcome.SUCCEEDED : Outcome.FAILED;
    }

    /** Every attack. */
    public static List<Attack> all() {
        return List.of(values());
    }

    /**
     * The attack called {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException if there is none
     */
    public static Attack named(String id) {
        return Catalog.named(all(), Attack::id, id, "attack");
    }
}
