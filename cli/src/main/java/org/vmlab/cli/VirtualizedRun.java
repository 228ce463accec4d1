package org.vmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.RunResult;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.MemoryDifference;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.VmmCounters;
import org.vmlab.vmm.VmmEvent;
import org.vmlab.vmm.overcommit.Balloon;
import org.vmlab.vmm.overcommit.BalloonController;
import org.vmlab.vmm.overcommit.IdleMemoryTax;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.vmm.overcommit.SharingRules;
import org.vmlab.vmm.trace.ChromeTrace;

/**
 * {@code vmlab run --cpu ...}: the guest in one or more VMs, and the same guest on bare metal for
 * comparison: Popek and Goldberg's three properties, measured. Equivalence (the observables
 * agree), efficiency (the share of instructions run directly), and the cost (slowdown in
 * simulated cycles).
 */
final class VirtualizedRun {
    /** Exit code of a run whose guest diverged from bare metal. */
    static final int DIVERGED = 4;

    /**
     * What to run.
     *
     * @param bare     a configuration of the bare machine to compare with (its ISA is the host's)
     * @param vms      how many VMs, each running the same guest
     * @param cpu      the CPU technique
     * @param memory   the memory technique
     * @param lockstep true to find the first divergent instruction (one VM only)
     * @param trace    where to write the Chrome trace of the VMs, or null
     * @param level    how closely the VMs must match bare metal: exactly, or in what they do
     *                 observably (a paravirtual guest against the native build of its source)
     * @param counters true to print every count of the techniques' own below each summary
     * @param devices  the device technique, or null for the VMM's own emulation of the devices
     * @param hosting  where the device technique's work runs
     * @param scanRate pages the page-sharing scanner hashes after every slice ({@link
     *                 PageSharingScanner}), or 0 for no page sharing
     * @param recorder what records the (one) VM's run ({@code --record}), or null
     * @param overcommit the host's size and the memory policy
     */
    record Plan(MachineConfig bare, int vms, CpuTechnique cpu, MemoryTechnique memory, boolean lockstep,
            Path trace, Equivalence.Level level, boolean counters, DeviceTechnique devices, Hosting hosting,
            int scanRate, RunRecorder recorder, Overcommit overcommit) {

        /** A plan that records nothing, with no memory policy. */
        Plan(MachineConfig bare, int vms, CpuTechnique cpu, MemoryTechnique memory, boolean lockstep,
                Path trace, Equivalence.Level level, boolean counters, DeviceTechnique devices, Hosting hosting,
                int scanRate) {
            this(bare, vms, cpu, memory, lockstep, trace, level, counters, devices, hosting, scanRate, null,
                    Overcommit.NONE);
        }

        /** Whether identical pages are shared between slices. */
        boolean pageSharing() {
            return scanRate > 0;
        }

        DeviceVirtualization createDevices() {
            return devices == null ? DeviceVirtualization.emulated() : devices.create(hosting);
        }
    }

    /**
     * The host's memory and what the VMM does when it runs short.
     *
     * @param machineFrames the host's RAM in frames, or 0 for enough for every VM
     * @param balloon       true for the memory policy ({@link BalloonController})
     * @param idleTax       its idle memory tax rate ({@link IdleMemoryTax})
     */
    record Overcommit(int machineFrames, boolean balloon, double idleTax, SharingRules sharing) {
        static final Overcommit NONE = new Overcommit(0, false, 0, null);
    }

    private VirtualizedRun() {
    }

    static int run(PrintWriter out, Plan plan, Consumer<Machine> bootBare, Consumer<VirtualMachine> bootVm,
            boolean quiet) {
        Machine bare = new Machine(plan.bare());
        bootBare.accept(bare);
        Hypervisor vmm = new Hypervisor(hostConfig(plan), VmmCostModel.DEFAULT);
        List<VirtualMachine> vms = new ArrayList<>();
        try (ChromeTrace trace = plan.trace() == null ? null : openTrace(plan.trace())) {
            for (int i = 1; i <= plan.vms(); i++) {
                VirtualMachine vm;
                VmConfig config = VmConfig.named("vm" + i).withFuel(plan.bare().fuel());
                if (plan.recorder() != null) {
                    config = config.withDevices(plan.recorder().devices());
                }
                try {
                    vm = vmm.create(config,
                            plan.cpu().create(), plan.memory().create(), plan.createDevices());
                } catch (IllegalStateException refused) {
                    // a device model that cannot serve this VM (devices already assigned, a CPU
                    // technique it cannot work with) says why
                    throw new UserError("--devices " + plan.devices().name() + ": " + refused.getMessage());
                }
                bootVm.accept(vm);
                vms.add(vm);
            }
            PageSharingScanner scanner = null;
            if (plan.pageSharing()) {
                for (VirtualMachine vm : vms) {
                    vm.memory().whyNotSharable().ifPresent(why -> {
                        throw new UserError("--page-sharing cannot apply under --mem " + plan.memory().name() + ": "
                                + why);
                    });
                }
                scanner = new PageSharingScanner(vmm, plan.scanRate(), plan.overcommit().sharing());
                vmm.betweenSlices(scanner);
            }
            if (plan.overcommit().balloon()) {
                for (VirtualMachine vm : vms) {
                    vm.memory().whyNotSharable().ifPresent(why -> {
                        throw new UserError("--balloon cannot apply under --mem " + plan.memory().name() + ": "
                                + why);
                    });
                }
                vmm.betweenSlices(BalloonController.withDefaults(vmm,
                        new IdleMemoryTax(plan.overcommit().idleTax()), scanner));
            }
            if (trace != null) {
                vms.forEach(vm -> vm.setTrace(trace));
            }
            if (plan.lockstep()) {
                return lockstep(out, plan, bare, vms.get(0));
            }
            RunResult nativeRun = bare.run();
            vmm.run();
            int code = report(out, plan, bare, nativeRun, vms, quiet);
            if (plan.recorder() != null) {
                plan.recorder().finished(vms.get(0).result(), out);
            }
            if (trace != null) {
                out.printf("trace:        %s (open it in https://ui.perfetto.dev or chrome://tracing)%n", plan.trace());
            }
            return code;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            throw asUserError(plan, e);
        }
    }

    /** What lab code threw (a stub not written, a bug) as the user's error; anything else as it is. */
    static RuntimeException asUserError(Plan plan, Throwable e) {
        if (e instanceof UserError user) {
            return user;
        }
        String unwritten = LabCode.unwritten(e);
        if (unwritten != null) {
            return new UserError(plan.cpu().name() + " + " + plan.memory().name() + ": " + unwritten);
        }
        String failure = LabCode.labFailure(e);
        if (failure != null) {
            return UserError.located(failure);
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(e);
    }

    private static ChromeTrace openTrace(Path file) {
        try {
            return ChromeTrace.open(file);
        } catch (IOException e) {
            throw new UserError("cannot write the trace " + file + ": " + e.getMessage());
        }
    }

    private static MachineConfig hostConfig(Plan plan) {
        MachineConfig.Builder host = SingleVm.hostConfig(plan.cpu(), plan.memory(), plan.bare().isa(), plan.vms())
                .tlbEntries(plan.bare().tlbEntries()).fuel(Long.MAX_VALUE);
        if (plan.overcommit().machineFrames() > 0) {
            host.memoryBytes(plan.overcommit().machineFrames() * PhysicalMemory.PAGE_SIZE);
        }
        return host.build();
    }

    private static int lockstep(PrintWriter out, Plan plan, Machine bare, VirtualMachine vm) {
        Lockstep.Outcome outcome = Lockstep.run(bare, vm);
        out.println("---");
        out.printf("lockstep:     %s + %s on %s, against bare metal, instruction by instruction%n",
                plan.cpu().name(), plan.memory().name(), plan.bare().isa().name());
        if (outcome.divergence().isPresent()) {
            Lockstep.Divergence d = outcome.divergence().get();
            out.println("verdict:      " + d.describe());
            out.println("native state after it:");
            out.println(indent(d.nativeState().toString()));
            out.println("virtual state after it:");
            out.println(indent(d.virtualState().toString()));
            return DIVERGED;
        }
        if (outcome.memory().isPresent()) {
            out.printf("verdict:      no instruction diverged in %,d instructions (%s), but at the end %s%n",
                    outcome.virtualRun().instructions(), outcome.virtualRun().stopReason(),
                    outcome.memory().get().describe());
            return DIVERGED;
        }
        out.printf("verdict:      no divergence in %,d instructions (%s): the processor state after"
                + " every instruction, and memory at the end, are bare metal's%n",
                outcome.virtualRun().instructions(), outcome.virtualRun().stopReason());
        return 0;
    }

    private static int report(PrintWriter out, Plan plan, Machine bare, RunResult nativeRun,
            List<VirtualMachine> vms, boolean quiet) {
        return report(out, plan, bare, nativeRun, vms, quiet, VirtualMachine::result);
    }

    /** The summaries, each VM's result as {@code resultOf} gives it (a VM that moved: its whole run's). */
    static int report(PrintWriter out, Plan plan, Machine bare, RunResult nativeRun,
            List<VirtualMachine> vms, boolean quiet, java.util.function.Function<VirtualMachine, RunResult> resultOf) {
        int code = 0;
        for (VirtualMachine vm : vms) {
            RunResult r = resultOf.apply(vm);
            if (!quiet) {
                if (vms.size() > 1) {
                    out.println("=== " + vm.name() + " console ===");
                }
                out.print(r.console());
                if (!r.console().isEmpty() && !r.console().endsWith("\n")) {
                    out.println();
                }
            }
            Equivalence.Verdict verdict = Equivalence.compare(nativeRun, r, plan.level());
            printSummary(out, plan, vm, r, nativeRun, verdict);
            if (plan.counters()) {
                printCounters(out, vm);
            }
            if (plan.level() == Equivalence.Level.EXACT
                    && !nativeRun.observables().memoryDigest().equals(r.observables().memoryDigest())) {
                MemoryDifference.first(bare, vm).ifPresent(m ->
                        out.printf("              %s%n", m.describe()));
            }
            if (!verdict.equivalent()) {
                code = DIVERGED;
            } else if (!r.stopReason().isClean() && code == 0) {
                code = RunCommand.STOPPED;
            }
        }
        if (plan.pageSharing() || plan.overcommit().balloon() || plan.overcommit().machineFrames() > 0) {
            printMachineFrames(out, vms, plan.pageSharing() ? "page sharing:" : "machine:     ");
        }
        return code;
    }

    private static void printSummary(PrintWriter out, Plan plan, VirtualMachine vm, RunResult r,
            RunResult nativeRun, Equivalence.Verdict verdict) {
        Map<String, Long> c = r.counters();
        int pc = r.observables().cpu().pc();
        out.println("---");
        out.printf("vm:           %s, %s + %s on %s%n", vm.name(), plan.cpu().name(), plan.memory().name(),
                plan.bare().isa().name());
        if (plan.devices() != null) {
            out.printf("devices:      %s, %s%n", plan.devices().name(), plan.hosting().spelling());
        }
        out.printf("stopped:      %s at pc=0x%08x (%s)%n", r.stopReason(), pc, vm.symbols().describe(pc));
        if (!r.stopReason().isClean() && r.stopDetail() != null && !r.stopDetail().isEmpty()) {
            out.printf("detail:       %s%n", r.stopDetail());
        }
        out.printf("instructions: %,d, %.2f%% run directly%n", r.instructions(),
                100.0 * c.get("instructions.direct") / Math.max(1, r.instructions()));
        out.printf("exits:        %,d: %s%n", vm.counters().totalExits(), exits(vm));
        out.printf("vmm:          %s%n", events(vm));
        out.printf("cycles:       %,d simulated, bare metal %,d%s%n", r.cycles(), nativeRun.cycles(),
                nativeRun.cycles() == 0 ? " (no slowdown to compute: bare metal ran no cycle)"
                        : String.format(": slowdown %.2fx", (double) r.cycles() / nativeRun.cycles()));
        out.printf("memory:       %,d machine frames held%n", c.get("frames"));
        if (plan.pageSharing()) {
            VmmCounters n = vm.counters();
            out.printf("sharing:      %,d pages scanned, %,d shared, %,d frames saved, %,d copy-on-write breaks;"
                    + " %,d guest frames shared at the end%n", n.named(PageSharingScanner.SCANNED),
                    n.named(PageSharingScanner.SHARED), n.named(PageSharingScanner.SAVED),
                    n.named(VirtualMachine.COW_BREAKS), vm.memory().sharedFrames());
        }
        if (plan.overcommit().balloon()) {
            VmmCounters n = vm.counters();
            out.printf("balloon:      target %,d, size %,d frames: %,d inflated, %,d deflated, %,d machine frames"
                    + " reclaimed, %,d refused%n", vm.balloon().target(), vm.balloon().size(),
                    n.named(Balloon.INFLATED), n.named(Balloon.DEFLATED), n.named(Balloon.RECLAIMED),
                    n.named(Balloon.REJECTED));
        }
        out.printf("equivalence:  %s%n", verdict.equivalent()
                ? "equivalent to bare metal (" + verdict.level().checks() + ")"
                : String.join("\n              ", verdict.differences()));
    }

    /**
     * The machine frames behind every VM's guest frames at the end: a shared frame counted once,
     * so that the difference is what sharing saves now (after the copy-on-write breaks); then, per
     * VM, its frames, its balloon's size, its frames shared, the frames sharing and the balloon
     * saved, and how it stopped.
     */
    private static void printMachineFrames(PrintWriter out, List<VirtualMachine> vms, String label) {
        java.util.Set<Integer> frames = new java.util.HashSet<>();
        long guestFrames = 0;
        for (VirtualMachine vm : vms) {
            for (int gfn = 0; gfn < vm.memory().frames(); gfn++) {
                if (vm.memory().entry(gfn) instanceof P2mEntry.Backed backed) {
                    frames.add(backed.mfn());
                    guestFrames++;
                }
            }
        }
        out.println("---");
        out.printf("%s %,d machine frames back the VMs' %,d guest frames: %,d saved%n", label, frames.size(),
                guestFrames, guestFrames - frames.size());
        out.printf("%-6s %8s %8s %8s %8s %9s  %s%n", "vm", "frames", "balloon", "shared", "saved", "reclaimed",
                "stopped");
        for (VirtualMachine vm : vms) {
            VmmCounters n = vm.counters();
            out.printf("%-6s %8d %8d %8d %8d %9d  %s%n", vm.name(), vm.memory().framesInUse(), vm.balloon().size(),
                    vm.memory().sharedFrames(), n.named(PageSharingScanner.SAVED), n.named(Balloon.RECLAIMED),
                    vm.vcpu().stopReason());
        }
    }

    /** The techniques' own counters, one per line, sorted by name. */
    private static void printCounters(PrintWriter out, VirtualMachine vm) {
        Map<String, Long> named = new java.util.TreeMap<>(vm.counters().namedCounts());
        if (named.isEmpty()) {
            out.println("counters:     none: the techniques counted nothing of their own");
            return;
        }
        int width = named.keySet().stream().mapToInt(String::length).max().orElse(0);
        String label = "counters:";
        for (Map.Entry<String, Long> e : named.entrySet()) {
            out.printf("%-14s%-" + width + "s %,15d%n", label, e.getKey(), e.getValue());
            label = "";
        }
    }

    static String exits(VirtualMachine vm) {
        List<String> parts = new ArrayList<>();
        vm.counters().exitsByKind().forEach((kind, n) -> parts.add(String.format("%,d %s", n, kind)));
        return String.join(", ", parts);
    }

    static String events(VirtualMachine vm) {
        List<String> parts = new ArrayList<>();
        for (VmmEvent event : vm.events()) {
            long n = vm.counters().events(event);
            if (n > 0) {
                parts.add(String.format("%,d %s", n, event.words()));
            }
        }
        return String.join(", ", parts);
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
