package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab4.ParavirtTechnique;
import org.vmlab.labs.lab4.PvMmuTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;

/**
 * Dirty logging, the memory techniques' part of live migration: after the log starts, every page
 * whose bytes change (by the guest's stores, the VMM's writes, or a device's DMA) is in the next
 * collection; and a guest whose pages are logged runs exactly as on bare metal.
 */
@Execution(ExecutionMode.CONCURRENT)
class DirtyLogTest {
    /** Instructions between two collections: short rounds, so that a page is caught many times. */
    private static final long ROUND = 20_000;

    static Stream<Arguments> techniquesAndWorkloads() {
        return ToyosHosts.movablePairs(java.util.List.of("forkwait", "disk", "net", "pagefault", "all"));
    }

    @ParameterizedTest(name = "{0} + {1}, {2}")
    @MethodSource("techniquesAndWorkloads")
    void everyPageWhoseBytesChangedIsInTheNextCollectionAndTheGuestRunsAsOnBareMetal(CpuTechnique cpu,
            MemoryTechnique memory, String workload) {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = ToyosHosts.bare(image, workload);
        VirtualMachine vm = ToyosHosts.vm(cpu, memory);
        Toyos.boot(vm, image, workload);
        DirtyLog log = vm.memoryVirtualization().dirtyLog().orElseThrow();
        vm.switchIn();
        vm.runSlice(bare.instructions() / 4);
        log.start();
        byte[][] before = pages(vm.memory());
        long collections = 0;
        long dirtied = 0;
        while (!vm.stopped()) {
            vm.runSlice(ROUND);
            BitSet collected = log.collectAndClear();
            byte[][] now = pages(vm.memory());
            for (int gfn = 0; gfn < now.length; gfn++) {
                if (!Arrays.equals(before[gfn], now[gfn])) {
                    assertThat(collected.get(gfn)).as("%s + %s, %s: guest frame 0x%x changed in collection %d"
                            + " but was not logged dirty", cpu.name(), memory.name(), workload, gfn, collections)
                            .isTrue();
                    dirtied++;
                }
            }
            before = now;
            collections++;
        }
        log.stop();
        vm.switchOut();

        assertThat(dirtied).as("pages that changed while logged").isPositive();
        assertThat(Equivalence.compare(bare, vm.result()).differences()).as("%s + %s, %s, logged", cpu.name(),
                memory.name(), workload).isEmpty();
        assertThat(vm.result().instructions()).isEqualTo(bare.instructions());
        assertThat(vm.result().ticks()).isEqualTo(bare.ticks());
    }

    static Stream<Arguments> loggingTechniques() {
        return Stream.of(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new NestedPagingTechnique()));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("loggingTechniques")
    void theVmmsAndDevicesWritesAreLoggedAndACollectionEmptiesTheLog(CpuTechnique cpu, MemoryTechnique memory) {
        VirtualMachine vm = ToyosHosts.vm(cpu, memory);
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), "compute");
        DirtyLog log = vm.memoryVirtualization().dirtyLog().orElseThrow();
        log.start();

        vm.memory().writeWord(0x0050_0000, 42);                      // the VMM's write
        vm.memory().write(0x0060_0ffe, new byte[] {1, 2, 3, 4});     // a device's DMA, across two pages
        vm.memory().writeWordQuietly(0x0070_0000, 7);                // a software walk's accessed bit

        assertThat(log.collectAndClear().stream().boxed()).containsExactly(0x500, 0x600, 0x601, 0x700);
        assertThat(log.collectAndClear().isEmpty()).as("the next collection, nothing written since").isTrue();
        log.stop();
        vm.memory().writeWord(0x0050_0000, 43);
        assertThat(vm.memory().dirtyLogging()).isFalse();
    }

    @Test
    void aParavirtualMmuKeepsNoDirtyLog() {
        Hypervisor host = ToyosHosts.host(new ParavirtTechnique());
        VirtualMachine vm = host.create(VmConfig.named("pv").withFuel(Toyos.FUEL), new ParavirtTechnique().create(),
                new PvMmuTechnique().create());
        assertThat(vm.memoryVirtualization().dirtyLog()).isEmpty();
    }

    /** Every guest frame's bytes (null for one not backed). */
    private static byte[][] pages(GuestPhysicalMemory memory) {
        byte[][] pages = new byte[memory.frames()][];
        for (int gfn = 0; gfn < pages.length; gfn++) {
            pages[gfn] = memory.pageContents(gfn);
        }
        return pages;
    }

}
