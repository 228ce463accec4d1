package org.vmlab.labs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.grader.Checkpoints;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.MemoryDifference;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * What the labs' graded tests do again and again: run a guest on bare metal and in a VM built
 * with the lab's code, and compare, saying in the machine's terms where the VM went wrong.
 */
public final class GuestRuns {
    /** Fuel for the small test programs: far more than any needs. */
    public static final long PROGRAM_FUEL = 2_000_000L;
    /** The slice of the comparison run as a VMM runs: long enough for translated runs and chains. */
    static final long SLICE = 1_000;

    private GuestRuns() {
    }

    /** Assembles the test program at classpath resource {@code resource}. */
    public static Image program(String resource) {
        try {
            return new Assembler(SourceLoader.classpath(GuestRuns.class.getClassLoader()))
                    .assemble(resource, Map.of());
        } catch (AssemblyException e) {
            throw new IllegalStateException("test program " + resource + " does not assemble: " + e.getMessage(), e);
        }
    }

    /** A bare machine with {@code image} loaded. */
    public static Machine bareMetal(Image image, IsaVariant isa, long fuel) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(fuel).build());
        machine.load(image);
        return machine;
    }

    /** A bare machine with toyos booted for {@code workload}. */
    public static Machine bareToyos(String workload, IsaVariant isa) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return machine;
    }

    /**
     * A VM with {@code image} loaded, alone on a machine sized for its memory virtualization:
     * exactly the VM's 16 MiB under identity paging, room for the VMM's own frames otherwise.
     */
    public static VirtualMachine vm(Image image, IsaVariant isa, CpuVirtualization cpu,
            MemoryVirtualization memory, long fuel) {
        return vm(image, isa, cpu, memory, DeviceVirtualization.emulated(), fuel);
    }

    /** The same, with {@code devices} as the VM's device model. */
    public static VirtualMachine vm(Image image, IsaVariant isa, CpuVirtualization cpu,
            MemoryVirtualization memory, DeviceVirtualization devices, long fuel) {
        VirtualMachine vm = emptyVm(isa, cpu, memory, devices, fuel);
        vm.load(image);
        return vm;
    }

    /** A VM with toyos booted for {@code workload}. */
    public static VirtualMachine toyosVm(String workload, IsaVariant isa, CpuVirtualization cpu,
            MemoryVirtualization memory) {
        VirtualMachine vm = emptyVm(isa, cpu, memory, Toyos.FUEL);
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }

    /** A VM with toyos's paravirtual build booted for {@code workload}. */
    public static VirtualMachine paravirtualToyosVm(String workload, IsaVariant isa, CpuVirtualization cpu,
            MemoryVirtualization memory) {
        VirtualMachine vm = emptyVm(isa, cpu, memory, Toyos.FUEL);
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT), workload);
        return vm;
    }

    private static VirtualMachine emptyVm(IsaVariant isa, CpuVirtualization cpu, MemoryVirtualization memory,
            long fuel) {
        return emptyVm(isa, cpu, memory, DeviceVirtualization.emulated(), fuel);
    }

    private static VirtualMachine emptyVm(IsaVariant isa, CpuVirtualization cpu, MemoryVirtualization memory,
            DeviceVirtualization devices, long fuel) {
        boolean vt = cpu != null && cpu.needsVt();   // hardware assistance: a VMCS, in a page of the VMM's
        int machineBytes = memory.ownsTheMachine() ? VmConfig.DEFAULT_MEMORY + (vt ? Vmcs.SIZE : 0) : 32 << 20;
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(machineBytes).vt(vt)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        return vmm.create(VmConfig.named("guest").withFuel(fuel), cpu, memory, devices);
    }

    /**
     * Runs {@code image} on bare metal and in a VM built from the suppliers, instruction by
     * instruction, and fails at the first instruction after which the two states differ, or if
     * the runs end differently.
     */
    public static void assertRunsLikeBareMetal(Image image, IsaVariant isa, Supplier<CpuVirtualization> cpu,
            Supplier<MemoryVirtualization> memory) {
        assertRunsLikeBareMetal(image, isa, cpu, memory, DeviceVirtualization::emulated);
    }

    /** The same, with the VM's devices from {@code devices}. */
    public static void assertRunsLikeBareMetal(Image image, IsaVariant isa, Supplier<CpuVirtualization> cpu,
            Supplier<MemoryVirtualization> memory, Supplier<DeviceVirtualization> devices) {
        Machine bare = bareMetal(image, isa, PROGRAM_FUEL);
        VirtualMachine vm = vm(image, isa, cpu.get(), memory.get(), devices.get(), PROGRAM_FUEL);
        Lockstep.Outcome outcome = Lockstep.run(bare, vm);
        if (outcome.divergence().isPresent()) {
            Lockstep.Divergence d = outcome.divergence().get();
            throw new AssertionError(d.describe().replace(", virtual ", ", yours ")
                    + "\nbare metal after it:\n" + d.nativeState() + "\nyour VM after it:\n" + d.virtualState());
        }
        outcome.memory().ifPresent(m -> {
            throw new AssertionError("instruction by instruction your VM matches bare metal, but at"
                    + " the end " + m.describe());
        });
        assertEquivalent(outcome.nativeRun(), outcome.virtualRun());
        // Lockstep gives the VMM control after every instruction; run as it normally runs, many
        // instructions a slice, the VM must agree at the end of every slice: what depends on when
        // the VMM has control (device time, translated runs and their chains) shows only here.
        Lockstep.Outcome slices = Lockstep.runInSlices(() -> new Lockstep.Sides(bareMetal(image, isa, PROGRAM_FUEL),
                vm(image, isa, cpu.get(), memory.get(), devices.get(), PROGRAM_FUEL)), SLICE);
        if (!slices.agrees()) {
            String what = slices.divergence().map(d -> d.describe().replace(", virtual ", ", yours "))
                    .orElseGet(() -> "at the end " + slices.memory().orElseThrow().describe());
            throw new AssertionError("instruction by instruction your VM matches bare metal, but run"
                    + " as a VMM runs (up to " + SLICE + " instructions a slice) it does not: " + what
                    + " (look at what depends on when your VMM has control: do in and out bring the"
                    + " devices to the guest's tick? is a pending interrupt taken at the same instruction?"
                    + " does a translated run end where it should?)");
        }
    }

    /**
     * Runs toyos's {@code workload} on bare metal and in a VM, and fails unless the VM's run is
     * equivalent; a failure runs the two again in lockstep to say where they part.
     *
     * @return the VM's run
     */
    public static RunResult assertToyosRunsLikeBareMetal(String workload, IsaVariant isa,
            Supplier<CpuVirtualization> cpu, Supplier<MemoryVirtualization> memory) {
        Machine bareMachine = bareToyos(workload, isa);
        RunResult bare = bareMachine.run();
        VirtualMachine vm = toyosVm(workload, isa, cpu.get(), memory.get());
        RunResult virtual = vm.run();
        Equivalence.Verdict verdict = Equivalence.compare(bare, virtual);
        if (!verdict.equivalent()) {
            String where = MemoryDifference.first(bareMachine, vm).map(m -> "; " + m.describe())
                    .orElse("");
            Lockstep.Outcome outcome = Lockstep.run(bareToyos(workload, isa),
                    toyosVm(workload, isa, cpu.get(), memory.get()));
            String first = outcome.divergence().map(d -> "; " + d.describe().replace(", virtual ", ", yours "))
                    .orElse("");
            throw new AssertionError("toyos " + workload + " under your VMM: "
                    + String.join("; ", verdict.differences()) + where + first);
        }
        return virtual;
    }

    /**
     * Every toyos workload, on bare metal and in a VM: fails unless each is equivalent, with
     * partial credit ({@code pointsEach}) for each workload that is.
     */
    public static void assertEveryToyosWorkloadRunsLikeBareMetal(IsaVariant isa, Supplier<CpuVirtualization> cpu,
            Supplier<MemoryVirtualization> memory, Checkpoints checkpoints, double pointsEach) {
        List<String> failures = new ArrayList<>();
        for (String workload : Toyos.workloads()) {
            try {
                assertToyosRunsLikeBareMetal(workload, isa, cpu, memory);
                checkpoints.reached(workload, pointsEach);
            } catch (UnsupportedOperationException notWrittenYet) {
                throw notWrittenYet;   // the same TODO for every workload: say it once, as it is
            } catch (AssertionError | RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + Toyos.workloads().size()
                    + " workloads differ from bare metal; the first: " + failures.get(0));
        }
    }

    /**
     * Runs toyos's {@code workload} natively on bare metal and its paravirtual build in a VM, and
     * fails unless the two are observably equivalent (console, disk and network: the kernels are
     * different programs, so memory and registers are not compared, and lockstep cannot say where
     * they part).
     *
     * @return the VM's run
     */
    public static RunResult assertParavirtualToyosRunsLikeNative(String workload, IsaVariant isa,
            Supplier<CpuVirtualization> cpu, Supplier<MemoryVirtualization> memory) {
        RunResult bare = bareToyos(workload, isa).run();
        RunResult virtual = paravirtualToyosVm(workload, isa, cpu.get(), memory.get()).run();
        Equivalence.Verdict verdict = Equivalence.compare(bare, virtual, Equivalence.Level.OBSERVABLE);
        if (!verdict.equivalent()) {
            throw new AssertionError("the paravirtual toyos " + workload + " under your VMM is not observably"
                    + " equivalent to the native one on bare metal: " + String.join("; ", verdict.differences())
                    + "; it stopped with " + virtual.stopReason() + " (" + virtual.stopDetail() + ")");
        }
        return virtual;
    }

    /**
     * Every toyos workload, native on bare metal and paravirtual in a VM: fails unless each is
     * observably equivalent, with partial credit ({@code pointsEach}) for each workload that is.
     */
    public static void assertEveryParavirtualToyosWorkloadRunsLikeNative(IsaVariant isa,
            Supplier<CpuVirtualization> cpu, Supplier<MemoryVirtualization> memory, Checkpoints checkpoints,
            double pointsEach) {
        List<String> failures = new ArrayList<>();
        for (String workload : Toyos.workloads()) {
            try {
                assertParavirtualToyosRunsLikeNative(workload, isa, cpu, memory);
                checkpoints.reached(workload, pointsEach);
            } catch (UnsupportedOperationException notWrittenYet) {
                throw notWrittenYet;   // the same TODO for every workload: say it once, as it is
            } catch (AssertionError | RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + Toyos.workloads().size()
                    + " workloads differ from the native kernel on bare metal; the first: " + failures.get(0));
        }
    }

    /** Fails, saying what differs, unless the two runs are equivalent. */
    public static void assertEquivalent(RunResult bare, RunResult virtual) {
        Equivalence.Verdict verdict = Equivalence.compare(bare, virtual);
        if (!verdict.equivalent()) {
            throw new AssertionError("your VM's run differs from bare metal: " + String.join("; ", verdict.differences()));
        }
    }
}
