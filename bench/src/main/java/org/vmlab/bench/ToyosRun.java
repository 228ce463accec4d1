package org.vmlab.bench;

import org.vmlab.guests.Toyos;
import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * One run of a toyos workload, built first and run afterwards, so that a benchmark can leave the
 * building out of what it times: on a bare machine, or in a VM alone under a VMM whose host
 * machine has the given execution engine (the VMM runs the guest's code directly on that
 * machine's processor, so the engine runs the guest's code under every technique; with the vt
 * feature, which hardware assistance needs, the compiled engine hands every run to the
 * interpreter). The machines are built as the labs' graded tests build them (GuestRuns in
 * {@code labs}): the bare machine's 16 MiB; for a VM of 16 MiB, exactly its memory (and a page
 * for the VMCS) under identity paging, 32 MiB otherwise.
 */
final class ToyosRun {
    private final Machine bare;        // null for a VM
    private final VirtualMachine vm;   // null on bare metal

    private ToyosRun(Machine bare, VirtualMachine vm) {
        this.bare = bare;
        this.vm = vm;
    }

    /** {@code kernel} (a native toyos) booted for {@code workload} on a bare machine. */
    static ToyosRun bare(IsaVariant isa, EngineFactory engine, Image kernel, String workload) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).engine(engine).build());
        Toyos.boot(machine, kernel, workload);
        return new ToyosRun(machine, null);
    }

    /**
     * {@code kernel} booted for {@code workload} in a VM under {@code techniques} (a paravirtual
     * technique needs the paravirtual kernel).
     */
    static ToyosRun virtualized(IsaVariant isa, EngineFactory engine, TechniquePair techniques, Image kernel,
            String workload) {
        CpuVirtualization cpu = techniques.cpu().create();
        MemoryVirtualization memory = techniques.memory().create();
        boolean vt = cpu.needsVt();
        int machineBytes = memory.ownsTheMachine() ? VmConfig.DEFAULT_MEMORY + (vt ? Vmcs.SIZE : 0) : 32 << 20;
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(machineBytes).vt(vt)
                .engine(engine).fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("guest").withFuel(Toyos.FUEL), cpu, memory);
        Toyos.boot(vm, kernel, workload);
        return new ToyosRun(null, vm);
    }

    /**
     * Runs the workload to toyos's power-off, without gathering what it did (the digests of
     * memory and disk): what a benchmark of execution speed times.
     *
     * @return the guest instructions retired
     * @throws IllegalStateException if the guest did not halt by itself (fuel spent, a triple
     *                               fault, the VMM stopped it): its rate would be a wrong run's
     */
    long toEnd() {
        StopReason reason;
        String detail;
        long instructions;
        if (bare != null) {
            reason = bare.cpu().run(Toyos.FUEL);
            detail = bare.cpu().stopDetail();
            instructions = bare.cpu().instructions();
        } else {
            // VirtualMachine.run() without its result(), which hashes the guest's memory and disk.
            vm.switchIn();
            try {
                while (!vm.vcpu().stopped()) {
                    vm.runSlice(Long.MAX_VALUE / 2);
                }
            } finally {
                vm.switchOut();
            }
            reason = vm.vcpu().stopReason();
            detail = vm.vcpu().stopDetail();
            instructions = vm.vcpu().instructions();
        }
        if (reason != StopReason.HALT) {
            throw new IllegalStateException("the workload did not finish: " + reason + " (" + detail + ")");
        }
        return instructions;
    }

    /** Runs the workload to its end and says what the guest did, as the graded tests compare it. */
    RunResult result() {
        return bare != null ? bare.run() : vm.run();
    }
}
