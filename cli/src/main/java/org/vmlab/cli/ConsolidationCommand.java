package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.overcommit.Balloon;
import org.vmlab.vmm.overcommit.BalloonController;
import org.vmlab.vmm.overcommit.IdleMemoryTax;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.vmm.overcommit.SharingRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab experiment consolidation}: server consolidation on an overcommitted machine, after
 * Waldspurger's evaluation of ESX Server's memory management [C. A. Waldspurger, "Memory Resource
 * Management in VMware ESX Server", OSDI 2002, sections 3, 4 and 6]. N toyos VMs share one machine
 * with a fixed number of frames; each runs {@code memhog K} (K = its number less one), which
 * computes, needs a burst of memory, frees it, and computes again, its burst at a time of its own.
 * Without help, a VM that finds no free frame stops; with page sharing identical pages are merged;
 * with ballooning the policy asks the VMs that freed memory to give it back, for the next VM's
 * burst; with both, the balloon first and then sharing.
 */
@Command(name = "consolidation", mixinStandardHelpOptions = true,
        header = "N toyos VMs on one overcommitted machine: no help, page sharing, ballooning, both.",
        description = {"Server consolidation after Waldspurger (OSDI 2002): N = 1, 2, 4, 8 toyos VMs on one machine",
                "of a fixed number of frames (--machine-frames), under trap-emulate and shadow paging. Each VM",
                "runs memhog K (K = 0, 1, ...): it computes, touches 96 new pages in a child process that",
                "exits (the frames go back to toyos's free list, written and idle), and computes again; the",
                "bursts come one VM after another. For each N and each policy: the VMs that completed, the",
                "machine frames in use at the peak, the frames saved per VM (shared by the page-sharing",
                "scanner plus reclaimed by the balloon), and throughput: the guest instructions of the VMs",
                "that completed per thousand simulated cycles of every VM.",
                "--svg draws the VMs completed and the throughput of each policy as N grows.",
                "Exit code 0; 1 if a VM that completed printed other than bare metal would."})
final class ConsolidationCommand implements Callable<Integer> {
    static final List<Integer> VM_COUNTS = List.of(1, 2, 4, 8);
    static final List<String> POLICIES = List.of("none", "sharing", "balloon", "both");

    @Spec
    CommandSpec spec;

    @Option(names = "--machine-frames", paramLabel = "F", defaultValue = "480",
            converter = Converters.MachineFrames.class,
            description = "The machine's RAM in 4 KiB frames, 64..65536 (default: ${DEFAULT-VALUE}).")
    int machineFrames;

    @Mixin
    ImplOption impl;

    @Mixin
    ResultOptions results;

    // Whose page-sharing rules the scanner asks: the chosen lab code's (Lab 7).
    private SharingRules sharingRules;

    @Override
    public Integer call() {
        results.check();
        Techniques techniques = impl.techniques();
        CpuTechnique cpu = techniques.cpu("trap-emulate").orElseThrow(
                () -> new UserError("the implementation has no trap-emulate"));
        MemoryTechnique memory = techniques.memory("shadow").orElseThrow(
                () -> new UserError("the implementation has no shadow paging"));
        sharingRules = techniques.sharingRules().orElseThrow(
                () -> new UserError("the implementation registers no page-sharing rules (Lab 7)"));
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = results.table(stdout);
        Progress progress = results.progress(spec.commandLine().getErr(), "consolidation",
                VM_COUNTS.size() * POLICIES.size());
        out.printf("%d machine frames (%d KiB); each VM runs memhog K, a burst of 96 pages at its own time;"
                + " trap-emulate + shadow%n%n", machineFrames, machineFrames * 4);
        out.printf("%3s %-8s %9s %11s %11s %11s %13s%n", "N", "policy", "completed", "peak frames",
                "saved/VM", "balloon/VM", "instr/kcycle");
        Image kernel = Toyos.memhogImage();
        List<ConsolidationData.Row> rows = new ArrayList<>();
        boolean allRight = true;
        for (int n : VM_COUNTS) {
            List<ConsolidationData.Row> measured = POLICIES.parallelStream().map(policy -> {
                progress.step(n + " VMs, " + policy);
                return run(cpu, memory, kernel, n, policy);
            }).toList();
            progress.clear();
            for (ConsolidationData.Row row : measured) {
                allRight &= row.wrongOutput() == 0;
                rows.add(row);
                out.printf("%3d %-8s %5d/%-3d %11d %11.1f %11.1f %13.1f%n", n, row.policy(), row.completed(), n,
                        row.peakFrames(), row.savedPerVm(), row.reclaimedPerVm(), row.throughput());
            }
            out.println();
            out.flush();
        }
        out.println("saved/VM: machine frames freed per VM by sharing plus those reclaimed by the balloon;");
        out.println("balloon/VM: those reclaimed by the balloon alone. Ballooning moves a VM's idle memory to the");
        out.println("VM that needs it next; sharing merges identical pages. docs/overcommit.md explains the policy.");
        out.flush();
        ConsolidationData data = new ConsolidationData("vmlab experiment consolidation", ConsolidationData.FORMAT,
                new ConsolidationData.Configuration(machineFrames, cpu.name(), memory.name(), impl.chosen().name(),
                        "memhog K", VM_COUNTS, POLICIES), rows);
        results.write(data, data::chart, stdout);
        return allRight ? 0 : 1;
    }

    /** Runs {@code n} memhog VMs under {@code policy} and says what came of it. */
    ConsolidationData.Row run(CpuTechnique cpu, MemoryTechnique memory, Image kernel, int n, String policy) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(machineFrames * PhysicalMemory.PAGE_SIZE)
                .vt(cpu.needsVt()).fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + (i + 1)).withFuel(Toyos.FUEL), cpu.create(),
                    memory.create());
            Toyos.boot(vm, kernel, "memhog " + i);
            vms.add(vm);
        }
        boolean sharing = policy.equals("sharing") || policy.equals("both");
        boolean balloon = policy.equals("balloon") || policy.equals("both");
        PageSharingScanner scanner = null;
        if (sharing) {
            scanner = new PageSharingScanner(vmm, PageSharingScanner.DEFAULT_PAGES_PER_SLICE, sharingRules);
            vmm.betweenSlices(scanner);
        }
        if (balloon) {
            vmm.betweenSlices(BalloonController.withDefaults(vmm, new IdleMemoryTax(0), scanner));
        }
        int[] peak = {0};
        vmm.betweenSlices(vm -> peak[0] = Math.max(peak[0], machineFrames - vmm.frames().freeFrames()));
        vmm.run();
        String expected = Toyos.expectedOutput("memhog");
        int completed = 0;
        int wrong = 0;
        long instructions = 0;
        long cycles = 0;
        long saved = 0;
        long reclaimed = 0;
        for (VirtualMachine vm : vms) {
            boolean halted = vm.vcpu().stopReason() == StopReason.HALT;
            boolean right = vm.result().console().equals(expected);
            if (halted && right) {
                completed++;
                instructions += vm.vcpu().instructions();
            } else if (halted) {
                wrong++;
            }
            cycles += vm.cycles();
            saved += vm.counters().named(PageSharingScanner.SAVED) + vm.counters().named(Balloon.RECLAIMED);
            reclaimed += vm.counters().named(Balloon.RECLAIMED);
        }
        return new ConsolidationData.Row(n, policy, completed, wrong, peak[0], (double) saved / n,
                (double) reclaimed / n, cycles == 0 ? 0 : 1000.0 * instructions / cycles);
    }
}
