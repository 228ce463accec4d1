package org.vmlab.labs.lab5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.device.split.GrantEntry;
import org.vmlab.device.split.RingService;
import org.vmlab.device.split.SharedRing;
import org.vmlab.device.split.SplitAbi;
import org.vmlab.device.split.SplitDrivers;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab4.DirectPagingRules;
import org.vmlab.labs.lab4.EventChannelDelivery;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.memory.pv.PvMmu;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Lab 5, device virtualization: the visible graded tests of the split driver's back end. Your ring
 * rules are asked about a ring of 4 slots in a page of its own, which the tests write as a front
 * end would; the last test runs toyos's paravirtual kernel with its front ends against back ends
 * that follow your rules (and your Lab 4).
 */
class Lab5SplitTest {
    private static final int SIZE = 4;

    private final PhysicalMemory page = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
    private final SharedRing ring = new SharedRing(page, 0, SIZE, 8);
    private final RingService rules = new SplitRingRules();

    private void reqProd(int value) {
        page.writeWord(SplitAbi.RING_REQ_PROD, value);
    }

    @Test
    @Graded(points = 2, number = "5.6", name = "requestsToTake: what the front end produced, no more than can be answered")
    void requestsToTake() {
        assertThat(rules.requestsToTake(ring)).as("an empty ring: req_prod = req_cons = 0").isZero();
        reqProd(3);
        assertThat(rules.requestsToTake(ring)).as("req_prod 3, nothing taken yet").isEqualTo(3);
        reqProd(4);
        ring.takeRequest(2);
        ring.takeRequest(2);
        assertThat(rules.requestsToTake(ring)).as("req_prod 4, two taken (req_cons 2)").isEqualTo(2);
        ring.takeRequest(2);
        ring.takeRequest(2);
        reqProd(6);
        assertThat(rules.requestsToTake(ring)).as("four taken and none answered: the ring's 4 slots all hold"
                + " requests waiting for their responses, so nothing more may be taken, whatever req_prod says")
                .isZero();
        ring.putResponse(0);
        assertThat(rules.requestsToTake(ring)).as("one answered: one slot free").isEqualTo(1);
    }

    @Test
    @Graded(points = 2, number = "5.7", name = "requestsToTake: a front end claiming more than the ring holds")
    void overflow() {
        reqProd(SIZE + 1);
        assertThat(rules.requestsToTake(ring)).as("req_prod 5 on a ring of 4: a bogus front end").isEqualTo(RingService.OVERFLOW);
        reqProd(-1);
        assertThat(rules.requestsToTake(ring)).as("req_prod 0xffffffff, behind req_cons: as far ahead as can be,"
                + " unsigned (compare unsigned: Integer.compareUnsigned)").isEqualTo(RingService.OVERFLOW);
        reqProd(SIZE);
        assertThat(rules.requestsToTake(ring)).as("req_prod 4: the ring full, all of it may be taken").isEqualTo(SIZE);
    }

    @Test
    @Graded(points = 2, number = "5.8", name = "permits: the grant check before a frame is touched")
    void grants() {
        int frames = 16;
        int permit = SplitAbi.GTF_PERMIT_ACCESS;
        assertThat(rules.permits(new GrantEntry(permit, 0, 15), true, frames)).as("frame 15 granted to domain 0, written").isTrue();
        assertThat(rules.permits(new GrantEntry(permit | SplitAbi.GTF_READONLY, 0, 3), false, frames))
                .as("a read-only grant, read").isTrue();
        assertThat(rules.permits(new GrantEntry(permit | SplitAbi.GTF_READONLY, 0, 3), true, frames))
                .as("a read-only grant, written (a disk read into it): refused").isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 1, 3), false, frames)).as("granted to domain 1, not us").isFalse();
        assertThat(rules.permits(new GrantEntry(SplitAbi.GTF_INVALID, 0, 3), false, frames)).as("GTF_invalid").isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 0, 16), false, frames)).as("frame 16: outside the guest's 16").isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 0, -1), false, frames)).as("frame 0xffffffff").isFalse();
    }

    @Test
    @Graded(points = 2, number = "5.9", name = "pushResponses: publish, and notify only a front end that asked")
    void notifications() {
        page.writeWord(SplitAbi.RING_RSP_EVENT, 1);
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).as("rsp_event 1 and the push moves rsp_prod from 0 to 1: notify").isTrue();
        assertThat(page.readWord(SplitAbi.RING_RSP_PROD)).as("rsp_prod published").isEqualTo(1);
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).as("rsp_event still 1, the front end has not looked since: no"
                + " notification (it will see the response when it looks)").isFalse();
        assertThat(page.readWord(SplitAbi.RING_RSP_PROD)).isEqualTo(2);
        page.writeWord(SplitAbi.RING_RSP_EVENT, 3);
        assertThat(rules.pushResponses(ring)).as("nothing new to publish").isFalse();
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).as("rsp_event 3, the push reaches 3").isTrue();
    }

    @Test
    @Graded(points = 2, number = "5.10", name = "finalCheckForRequests: going idle without losing a request")
    void idle() {
        assertThat(rules.finalCheckForRequests(ring)).as("nothing produced").isFalse();
        assertThat(page.readWord(SplitAbi.RING_REQ_EVENT)).as("req_event: tell me of request req_cons + 1").isEqualTo(1);
        reqProd(2);
        assertThat(rules.finalCheckForRequests(ring)).as("two requests waiting").isTrue();
        ring.takeRequest(2);
        ring.takeRequest(2);
        assertThat(rules.finalCheckForRequests(ring)).isFalse();
        assertThat(page.readWord(SplitAbi.RING_REQ_EVENT)).isEqualTo(3);
    }

    @Test
    @Graded(points = 3, number = "5.11", name = "toyos's split drivers: disk and net against your back ends")
    void toyos() {
        for (String workload : new String[] {"disk", "net"}) {
            Machine bare = new Machine(MachineConfig.builder().isa(IsaVariant.LEGACY).fuel(Toyos.FUEL).build());
            Toyos.boot(bare, Toyos.image(Toyos.Flavor.NATIVE), workload);
            RunResult native_ = bare.run();
            Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.LEGACY).memoryBytes(32 << 20)
                    .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
            VirtualMachine vm = vmm.create(VmConfig.named("guest").withFuel(Toyos.FUEL),
                    new Paravirtualization(new EventChannelDelivery()), new PvMmu(new DirectPagingRules()),
                    new SplitDrivers(Hosting.HOSTED, new SplitRingRules()));
            Toyos.boot(vm, Toyos.image(Toyos.Flavor.PARAVIRT, Toyos.Drivers.SPLIT), workload);

            RunResult virtual = vm.run();

            java.util.List<String> differences = Equivalence.compare(native_, virtual, Equivalence.Level.OBSERVABLE)
                    .differences();
            assertThat(differences).as("toyos " + workload + " through its split drivers, against back ends that follow"
                    + " your rules, differs from the native toyos on bare metal: %s (it stopped with %s: %s;"
                    + " vmlab run toyos -w %s --cpu paravirt --mem pv-mmu --devices split --counters shows your rules'"
                    + " counts)", String.join("; ", differences), virtual.stopReason(), virtual.stopDetail(), workload)
                    .isEmpty();
        }
    }
}
