package org.vmlab.cli;

import java.io.IOException;
import java.util.function.Supplier;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.LockstepSide;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.replay.InputLog;
import org.vmlab.vmm.replay.ReplayingPeer;

/**
 * A recording made ready to replay: fresh sides at its start, as often as asked, each booted
 * with the recorded program and fed the recorded inputs, on bare metal or in a VM under the
 * recorded techniques, built as {@code vmlab run} builds them ({@link SingleVm#hostConfig}).
 */
final class RecordedRun {
    private final Recording recording;
    private final Image image;
    private final IsaVariant isa;
    private final InputLog log;
    private final CpuTechnique cpu;
    private final MemoryTechnique memory;
    private final DeviceTechnique devices;
    private final Hosting hosting;

    /**
     * @param name       the file's name, for messages
     * @param techniques the VMM's techniques, asked for only for a recording made in a VM
     * @throws UserError if the recording names a program, ISA or technique that cannot be had
     */
    RecordedRun(Recording recording, String name, Supplier<Techniques> techniques) {
        this.recording = recording;
        try {
            this.image = recording.program().loadImage();
            this.isa = recording.machine().isaVariant();
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(name + ": the recording is corrupt: its program: " + e.getMessage());
        }
        this.log = recording.inputs().log();
        Recording.Vmm vmm = recording.vmm();
        if (vmm == null) {
            cpu = null;
            memory = null;
            devices = null;
            hosting = null;
            return;
        }
        Techniques t = techniques.get();
        cpu = t.cpu(vmm.cpu()).orElseThrow(() -> new UserError(name + " was recorded under --cpu " + vmm.cpu()
                + ", which this VMM does not have (it has: " + String.join(", ", t.cpuNames()) + ")"));
        memory = t.memory(vmm.memory()).orElseThrow(() -> new UserError(name + " was recorded under --mem "
                + vmm.memory() + ", which this VMM does not have (it has: " + String.join(", ", t.memoryNames()) + ")"));
        devices = vmm.devices() == null ? null : t.devices(vmm.devices()).orElseThrow(() -> new UserError(name
                + " was recorded under --devices " + vmm.devices() + ", which this VMM does not have"));
        try {
            hosting = vmm.hosting() == null ? Hosting.of("hosted") : Hosting.of(vmm.hosting());
        } catch (IllegalArgumentException e) {
            throw new UserError(name + ": the recording is corrupt: " + e.getMessage());
        }
    }

    Recording recording() {
        return recording;
    }

    /** Whether the recorded guest is the paravirtual build, which bare metal cannot run. */
    boolean paravirtual() {
        return cpu != null && cpu.paravirtual();
    }

    /** A fresh side where the run was recorded: bare metal, or one VM under the recorded techniques. */
    LockstepSide recorded() {
        return recording.bareMetal() ? bare() : LockstepSide.of(vm());
    }

    /** A fresh bare machine at the recording's start, its inputs from the log. */
    LockstepSide bare() {
        Recording.MachineSetup m = recording.machine();
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(m.fuel())
                .memoryBytes(recording.bareMetal() ? m.memoryMib() << 20 : VmConfig.DEFAULT_MEMORY)
                .tlbEntries(m.tlbEntries()).devices(log.replayDevices(new ReplayingPeer(log.exchanges()))).build());
        String workload = recording.program().workload();
        if (workload != null) {
            Toyos.boot(machine, image, workload);
        } else {
            machine.load(image);
        }
        return LockstepSide.of(machine);
    }

    private VirtualMachine vm() {
        Recording.MachineSetup m = recording.machine();
        Hypervisor vmm = new Hypervisor(SingleVm.hostConfig(cpu, memory, isa, 1).tlbEntries(m.tlbEntries())
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VmConfig config = VmConfig.named("vm1").withFuel(m.fuel())
                .withDevices(log.replayDevices(new ReplayingPeer(log.exchanges())));
        DeviceVirtualization deviceVirtualization = devices == null ? DeviceVirtualization.emulated()
                : devices.create(hosting);
        VirtualMachine vm = vmm.create(config, cpu.create(), memory.create(), deviceVirtualization);
        String workload = recording.program().workload();
        if (workload != null) {
            Toyos.boot(vm, image, workload);
        } else {
            vm.load(image);
        }
        return vm;
    }
}
