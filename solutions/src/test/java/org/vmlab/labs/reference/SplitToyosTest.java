package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.device.split.GrantEntry;
import org.vmlab.device.split.SplitAbi;
import org.vmlab.device.split.SplitDrivers;
import org.vmlab.labs.lab5.SplitTechnique;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab4.ParavirtTechnique;
import org.vmlab.labs.lab4.PvMmuTechnique;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * toyos's split drivers (the paravirtual build with SPLIT=1: blkfront and netfront,
 * docs/toyos.md "Split drivers") on the reference paravirtual CPU and MMU (Lab 4) and the
 * {@code split} device technique's back ends: every workload prints what it prints natively,
 * under either hosting model, and the disk and the network are reached through the rings alone.
 */
class SplitToyosTest {
    static Stream<Arguments> workloadsUnderBothHostings() {
        return Toyos.workloads().stream().flatMap(w -> Stream.of(
                Arguments.of(w, Hosting.BARE_METAL), Arguments.of(w, Hosting.HOSTED)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("workloadsUnderBothHostings")
    void everyWorkloadPrintsWhatItPrintsNatively(String workload, Hosting hosting) {
        RunResult run = run(workload, new SplitTechnique().create(hosting));

        assertThat(run.stopReason()).as(run.stopDetail() + "\n" + run.console()).isEqualTo(StopReason.HALT);
        assertThat(run.console()).isEqualTo(Toyos.expectedOutput(workload));
        assertThat(run.counters()).containsEntry("split.connected.vbd", 1L).containsEntry("split.connected.vif", 1L)
                .doesNotContainKey("split.grant.refused").doesNotContainKey("split.ring.overflow");
    }

    @Test
    void theDiskIsReadAndWrittenThroughTheBlockRingOneRequestPerCall() {
        RunResult run = run("disk", new SplitTechnique().create(Hosting.BARE_METAL));

        // two writes of 8 sectors, four reads of 4; no port of the disk touched by the guest
        assertThat(run.counters()).containsEntry("split.blk.requests", 6L)
                .containsEntry("split.blk.responses", 6L).doesNotContainKey("exit.io_access");
    }

    @Test
    void framesGoThroughTheNetworkRingsAndPagesOfferedCostOneNotificationAtBoot() {
        RunResult run = run("net", new SplitTechnique().create(Hosting.BARE_METAL));

        assertThat(run.counters()).containsEntry("split.net.tx.requests", 8L)
                .containsEntry("split.net.rx.responses", 8L).doesNotContainKey("split.net.rx.dropped")
                .doesNotContainKey("exit.io_access");
        // The sixteen receive pages offered at boot are one batch, one notification; each
        // transmit found the back end idle and notified it; the eight pages offered again went
        // unannounced: the back end, which never waits for one, asked to hear of none.
        assertThat(run.counters()).containsEntry("pv.evtchn.sent", 1L + 8L)
                .containsEntry("split.net.notify.in", 1L + 8L);
    }

    @Test
    void theFrontEndsGrantOnlyTheKernelsOwnDmaPagesAndTheTransmitPagesReadOnly() {
        SplitDrivers devices = (SplitDrivers) new SplitTechnique().create(Hosting.BARE_METAL);
        run("net", devices);

        List<GrantEntry> grants = new ArrayList<>();
        int readOnly = 0;
        for (int gref = SplitAbi.GNTTAB_NR_RESERVED_ENTRIES; gref < SplitAbi.GRANT_ENTRIES; gref++) {
            GrantEntry entry = devices.grants().entry(gref);
            if (entry.type() != SplitAbi.GTF_INVALID) {
                grants.add(entry);
                readOnly += entry.readOnly() ? 1 : 0;
            }
        }
        // three ring pages and the disk's bounce buffer, 8 transmit pages, 16 receive pages
        assertThat(grants).hasSize(4 + 8 + 16).allSatisfy(entry -> {
            assertThat(entry.type()).isEqualTo(SplitAbi.GTF_PERMIT_ACCESS);
            assertThat(entry.domid()).isEqualTo(SplitAbi.DOMID_BACKEND);
            assertThat(entry.frame()).as("a page of the kernel's DMA area, never a process's")
                    .isBetween(0xC0, 0xFF);
        });
        assertThat(readOnly).as("the transmit pages").isEqualTo(8);
    }

    @Test
    void withoutSplitBackEndsTheKernelSaysWhichHypercallWasRefused() {
        RunResult run = run("disk", DeviceVirtualization.emulated());

        assertThat(run.console()).contains("toyos: the hypervisor refused a hypercall: error -38");
        assertThat(run.console()).doesNotContain("disk:");
    }

    private static RunResult run(String workload, DeviceVirtualization devices) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(32 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL),
                new ParavirtTechnique().create(), new PvMmuTechnique().create(), devices);
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT, Toyos.Drivers.SPLIT), workload);
        return vm.run();
    }
}
