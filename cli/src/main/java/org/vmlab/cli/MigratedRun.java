package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.migration.PreCopyPolicy;
import org.vmlab.vmm.migration.LiveMigration;
import org.vmlab.vmm.migration.Link;
import org.vmlab.vmm.migration.MigrationReport;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vmlab run ... --migrate-at N}: the guest in one VM that moves live, at guest instruction
 * N, to a VM on another host (pre-copy over Clark et al.'s gigabit link, docs/migration.md), and
 * the same guest on bare metal for comparison: the rounds, the downtime, then the moved VM's
 * summary, which must be equivalent to bare metal as an unmoved VM's is.
 */
final class MigratedRun {
    /**
     * The source host's slice while migrating: a round ends at the first slice boundary after its
     * pages have arrived, so slices shorter than the default keep rounds near their link time.
     */
    static final long SLICE = 10_000;

    /** A VM moved live, and what it did once moved. */
    record Moved(MigrationReport report, VirtualMachine source, VirtualMachine destination, RunResult result) {
        /**
         * The whole run's result: the destination's, with the cycles of both hosts, the source's
         * until the move and the destination's after (the downtime is not the guest's: it did
         * not run).
         */
        RunResult whole() {
            return new RunResult(result.stopReason(), result.stopDetail(), result.observables(), result.instructions(),
                    result.ticks(), source.cycles() + result.cycles(), result.counters());
        }
    }

    private MigratedRun() {
    }

    /**
     * Runs the plan's one VM on a host of its own, moves it at instruction {@code at} to a VM of
     * the same techniques on another host, and runs it there to the end.
     *
     * @throws UserError if the VM cannot migrate live (a technique says why)
     */
    static Moved migrate(VirtualizedRun.Plan plan, Consumer<VirtualMachine> boot, long at, PreCopyPolicy policy) {
        Hypervisor sourceHost = host(plan);
        VirtualMachine source = sourceHost.create(config(plan), plan.cpu().create(), plan.memory().create(),
                plan.createDevices());
        Hypervisor destinationHost = host(plan);
        VirtualMachine destination = destinationHost.create(config(plan), plan.cpu().create(), plan.memory().create(),
                plan.createDevices());
        LiveMigration.whyNot(source).ifPresent(why -> {
            throw new UserError("--migrate-at: " + why);
        });
        boot.accept(source);
        sourceHost.setSlice(SLICE);
        MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, at, policy,
                Link.GIGABIT);
        return new Moved(report, source, destination, destination.run());
    }

    /** {@code vmlab run --cpu ... --migrate-at N}: the migration, then the summary as {@link VirtualizedRun} prints it. */
    static int run(PrintWriter out, VirtualizedRun.Plan plan, Consumer<Machine> bootBare, Consumer<VirtualMachine> bootVm,
            boolean quiet, long at, PreCopyPolicy policy) {
        Machine bare = new Machine(plan.bare());
        bootBare.accept(bare);
        RunResult nativeRun = bare.run();
        Moved moved;
        try {
            moved = migrate(plan, bootVm, at, policy);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            throw VirtualizedRun.asUserError(plan, e);
        }
        if (!quiet) {
            out.print(moved.result().console());
            if (!moved.result().console().isEmpty() && !moved.result().console().endsWith("\n")) {
                out.println();
            }
        }
        out.println("---");
        out.print(moved.report().describe());
        out.printf("hosts:        %,d cycles on the source until the move (%,d exits), %,d on the destination after%n",
                moved.source().cycles(), moved.source().counters().totalExits(), moved.result().cycles());
        out.println("              (the summary's cycles are both; its exits and events the destination's)");
        return VirtualizedRun.report(out, plan, bare, nativeRun, List.of(moved.destination()), true,
                vm -> moved.whole());
    }

    private static Hypervisor host(VirtualizedRun.Plan plan) {
        return new Hypervisor(SingleVm.hostConfig(plan.cpu(), plan.memory(), plan.bare().isa(), 1)
                .tlbEntries(plan.bare().tlbEntries()).fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
    }

    private static VmConfig config(VirtualizedRun.Plan plan) {
        return VmConfig.named("vm1").withFuel(plan.bare().fuel());
    }

    /** {@code --migrate-at}: a guest instruction, 0 or more, with an optional k, M or G suffix. */
    static final class At implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.trim().equals("0")) {
                return 0L;
            }
            if (value.trim().startsWith("-")) {
                throw new TypeConversionException("'" + value + "' is not a guest instruction: give 0 or more"
                        + " (like 1500000 or 1500k)");
            }
            return new Converters.Count().convert(value);
        }
    }
}
