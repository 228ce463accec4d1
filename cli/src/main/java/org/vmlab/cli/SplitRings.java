package org.vmlab.cli;

import java.util.List;
import java.util.Map;
import org.vmlab.device.split.SplitDrivers;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The split driver's rings under one setting: a whole toyos workload run through the paravirtual
 * kernel's front ends, with io/ring.h's notification suppression on or off at both ends and the
 * network rings of a given size, and what it cost in notifications, what it dropped, and whether
 * it still ran as on bare metal. The I/O experiment's second table.
 */
final class SplitRings {
    /** A setting: slots in each network ring, and whether both ends suppress notifications. */
    record Setting(int ringSize, boolean suppression) {
        String title() {
            return "ring " + ringSize + (suppression ? ", suppression" : ", no suppression");
        }
    }

    /** What the table compares: suppression on and off, then smaller network rings. */
    static final List<Setting> SETTINGS = List.of(new Setting(16, true), new Setting(16, false),
            new Setting(8, true), new Setting(4, true), new Setting(2, true));

    private SplitRings() {
    }

    static IoData.Ring run(String workload, Setting setting, CpuTechnique cpu, MemoryTechnique memory,
            DeviceTechnique split, CellFailures failures) {
        try {
            Image kernel = Toyos.image(Toyos.Flavor.PARAVIRT, Toyos.Drivers.SPLIT, Map.of(
                    "NET_RING_SIZE", setting.ringSize(), "SPLIT_NOTIFY_ALWAYS", setting.suppression() ? 0 : 1));
            DeviceVirtualization devices = split.create(Hosting.HOSTED);
            if (!setting.suppression()) {
                devices = ((SplitDrivers) devices).withoutNotificationSuppression();
            }
            Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC)
                    .memoryBytes(SingleVm.machineBytes(memory, 1)).fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
            // A workload that loses frames waits for them forever: idle, or out of fuel.
            VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL), cpu.create(), memory.create(),
                    devices);
            Toyos.boot(vm, kernel, workload);
            RunResult run = vm.run();
            Map<String, Long> c = run.counters();
            String kind = workload.equals("disk") ? "blk" : "net";
            long requests = workload.equals("disk") ? c.getOrDefault("split.blk.requests", 0L)
                    : c.getOrDefault("split.net.tx.requests", 0L) + c.getOrDefault("split.net.rx.responses", 0L);
            double in = (double) c.getOrDefault("split." + kind + ".notify.in", 0L) / Math.max(1, requests);
            double outward = (double) c.getOrDefault("split." + kind + ".notify.out", 0L) / Math.max(1, requests);
            long dropped = c.getOrDefault("split.net.rx.dropped", 0L);
            boolean ok = run.stopReason() == org.vmlab.machine.StopReason.HALT
                    && run.console().equals(Toyos.expectedOutput(workload));
            String outcome = ok ? "ran as on bare metal" : "FAILED: " + run.stopReason()
                    + (dropped > 0 ? ", frames dropped for want of a receive buffer" : "");
            return new IoData.Ring(workload, setting.ringSize(), setting.suppression(), requests, in, outward, dropped,
                    outcome);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return new IoData.Ring(workload, setting.ringSize(), setting.suppression(), null, null, null, null,
                    failures.thrown(setting.title(), workload, e).text());
        }
    }
}
