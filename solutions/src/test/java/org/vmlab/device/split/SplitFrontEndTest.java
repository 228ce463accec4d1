package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.device.DeviceEvent;
import org.vmlab.labs.lab4.EventChannelDelivery;
import org.vmlab.labs.lab4.PvDomain;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.IdentityMemory;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * A paravirtual kernel's block front end, in assembly, against the back end, end to end: it sets
 * up its grant table, grants its ring and a data page, allocates a port for domain 0, connects,
 * puts one read request on the ring, notifies, and blocks until the response's event wakes it.
 * docs/paravirt.md ("Split device drivers") is all it was written from.
 */
class SplitFrontEndTest {
    private static final String FRONT_END = """
                li r1, 20               ; grant_table_op(setup_table, 1, args): the table at frame 10
                li r2, 2
                li r3, 1
                li r4, gnt_args
                int 0x82
                li r5, results
                sw r1, 0(r5)
                li r5, 0xA040           ; gref 8: the ring (frame 11), gref 9: the data page (frame 12)
                li r6, 1                ; GTF_permit_access, domid 0
                sw r6, 0(r5)
                li r6, 11
                sw r6, 4(r5)
                li r6, 1
                sw r6, 8(r5)
                li r6, 12
                sw r6, 12(r5)
                li r5, 0xB000           ; the ring: req_event = rsp_event = 1
                li r6, 1
                sw r6, 4(r5)
                sw r6, 12(r5)
                li r1, 32               ; event_channel_op(alloc_unbound, {SELF, 0, port})
                li r2, 6
                li r3, evt_args
                int 0x82
                li r1, 32               ; event_channel_op(unmask, port)
                li r2, 9
                li r3, evt_args + 8
                int 0x82
                li r5, evt_args
                lw r6, 8(r5)
                li r5, conn_args
                sw r6, 8(r5)
                li r1, 48               ; device_connect({vbd, ring_ref 8, port, 8, sectors})
                li r2, 0
                li r3, 0
                li r4, conn_args
                int 0x82
                li r5, results
                sw r1, 4(r5)
                li r5, 0xB040           ; request 0: read, 1 segment, id 77, sector 0, gref 9 sectors 0..7
                li r6, 0x100
                sw r6, 0(r5)
                li r6, 77
                sw r6, 4(r5)
                sw r0, 8(r5)
                li r6, 9
                sw r6, 16(r5)
                li r6, 0x700
                sw r6, 20(r5)
                li r5, 0xB000           ; req_prod = 1: it passed req_event, so notify
                li r6, 1
                sw r6, 0(r5)
                li r1, 32               ; event_channel_op(send, port)
                li r2, 4
                li r3, evt_args + 8
                int 0x82
            wait:
                li r5, 0xB000
                lw r6, 8(r5)            ; rsp_prod
                cmpi r6, 0
                bne done
                li r1, 29               ; sched_op(block)
                li r2, 1
                int 0x82
                jmp wait
            done:
                jmp shutdown
            gnt_args:   .word 0x7FF0, 1, 0x5555, 10
            evt_args:   .word 0x7FF0, 0, 0
            conn_args:  .word 0, 8, 0, 8, 0
            results:    .word 0x5555, 0x5555
            """;

    @Test
    void aFrontEndInAssemblyReadsTheDiskThroughTheRing() {
        byte[] image = new byte[8192];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 7 + 1);
        }
        VirtualMachine vm = domain(DeviceConfig.defaults().withDiskImage(image));

        vm.run();

        assertThat(vm.vcpu().stopReason()).as(vm.vcpu().stopDetail()).isEqualTo(StopReason.HALT);
        int results = TinyVm.symbol(vm, "results");
        assertThat(vm.memory().readWord(results)).as("setup_table").isZero();
        assertThat(vm.memory().readWord(results + 4)).as("device_connect").isZero();
        assertThat(vm.memory().readWord(TinyVm.symbol(vm, "conn_args") + 16)).as("sectors").isEqualTo(2048);
        assertThat(vm.memory().readWord(0xB040)).as("the response's id").isEqualTo(77);
        assertThat(vm.memory().readWord(0xB048)).as("status").isEqualTo(SplitAbi.BLKIF_RSP_OKAY);
        assertThat(vm.memory().read(0xC000, 4096)).isEqualTo(Arrays.copyOf(image, 4096));
        assertThat(vm.counters().named("split.blk.notify.in")).isEqualTo(1);
        assertThat(vm.counters().named("split.blk.notify.out")).isEqualTo(1);
        assertThat(vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(1);
        assertThat(vm.counters().named("pv.evtchn.upcalls")).isGreaterThanOrEqualTo(1);
    }

    private static VirtualMachine domain(DeviceConfig devices) {
        int memory = 64 << 10;
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(memory)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VmConfig config = new VmConfig("front end", memory, memory / PhysicalMemory.PAGE_SIZE, 1_000_000, devices);
        VirtualMachine vm = vmm.create(config, new Paravirtualization(new EventChannelDelivery()), new IdentityMemory(),
                new SplitDrivers(Hosting.BARE_METAL, new org.vmlab.labs.lab5.SplitRingRules()));
        vm.load(TinyVm.kernel(PvDomain.source(FRONT_END)));
        return vm;
    }
}
