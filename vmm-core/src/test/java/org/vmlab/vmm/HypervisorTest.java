package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.Registers;

/**
 * The hypervisor's part: it owns the machine (monitored, device registers trapping), names VMs
 * uniquely, and shares the one CPU among them round robin, a slice each, switching worlds between
 * them.
 *
 * <p>The VMs here run no guest code: {@link Counting} "executes" a whole budget at once by adding
 * it to r1 of the real CPU, so that each VM's r1 is its own instruction count only if world
 * switches really save and restore its registers; {@link NoMemory} counts its activations.
 */
class HypervisorTest {
    private final Hypervisor hypervisor = new Hypervisor(MachineConfig.builder().memoryBytes(1 << 20).build(),
            VmmCostModel.DEFAULT);
    private final List<String> runs = new ArrayList<>();

    /** A test double of CPU virtualization that runs no code and records who ran how long. */
    private class Counting implements CpuVirtualization {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            runs.add(vm.name() + ":" + budget);
            vm.host().cpu().setRegister(1, vm.host().cpu().register(1) + (int) budget);
            vm.vcpu().retireDirectly(budget);
            return new Exit.Timer(vm.vcpu().pc());
        }
    }

    /** A test double of memory virtualization that translates nothing and counts world switches in. */
    private static class NoMemory implements MemoryVirtualization {
        int activations;

        @Override
        public String name() {
            return "none";
        }

        @Override
        public void attach(VirtualMachine vm) {
        }

        @Override
        public void activate() {
            activations++;
        }

        @Override
        public void controlRegisterWritten(int cr) {
        }

        @Override
        public void invalidatePage(int va) {
        }

        @Override
        public PageFaultOutcome pageFault(Exit.PageFault exit) {
            throw new AssertionError("no page faults here");
        }
    }

    /** A CPU virtualization double whose guest touches a new frame at every instruction. */
    private static final class Greedy implements CpuVirtualization {
        @Override
        public String name() {
            return "greedy";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            vm.vcpu().retire(1);
            vm.memory().writeWord((int) vm.vcpu().instructions() * 4096, 1);
            return new Exit.Timer(vm.vcpu().pc());
        }
    }

    private VirtualMachine vm(String name, long fuel, NoMemory memory) {
        return hypervisor.create(new VmConfig(name, 64 << 10, 16, fuel, DeviceConfig.defaults()), new Counting(), memory);
    }

    @Test
    void theHypervisorLeavesTheMachineAloneUntilAVmIsSwitchedIn() {
        assertThat(hypervisor.machine().cpu().exitControls()).isEqualTo(ExitControls.NONE);
        assertThat(hypervisor.machine().mmio().traps(NetworkInterface.BASE)).isFalse();
        assertThat(hypervisor.frames().memory()).isSameAs(hypervisor.machine().memory());
        assertThat(hypervisor.frames().freeFrames()).isEqualTo(256);
    }

    @Test
    void aVmBoundByRingCompressionMakesTheMachineTheMonitorsWhenSwitchedIn() {
        VirtualMachine vm = vm("a", 1000, new NoMemory());

        vm.switchIn();

        assertThat(vm.vcpu().binding()).isSameAs(RingCompression.INSTANCE);
        assertThat(hypervisor.machine().cpu().exitControls()).as("every trap reaches the VMM").isEqualTo(ExitControls.EVERY_TRAP);
        assertThat(hypervisor.machine().mmio().traps(NetworkInterface.BASE)).as("device registers trap").isTrue();
        assertThat(hypervisor.machine().cpu().flags() & Registers.CPL_MASK).as("the guest kernel in ring 1")
                .isEqualTo(1 << Registers.CPL_SHIFT);
    }

    @Test
    void aRemovedVmGivesItsFramesBackAndItsTechniquesAreDetached() {
        List<String> lifecycle = new ArrayList<>();
        NoMemory memory = new NoMemory() {
            @Override
            public void detach() {
                lifecycle.add("memory detached");
            }
        };
        Counting cpu = new Counting() {
            @Override
            public void attach(VirtualMachine vm) {
                lifecycle.add("cpu attached to " + vm.name());
            }

            @Override
            public void activate(VirtualMachine vm) {
                lifecycle.add("cpu activated for " + vm.name());
            }

            @Override
            public void detach(VirtualMachine vm) {
                lifecycle.add("cpu detached from " + vm.name());
            }
        };
        DeviceVirtualization devices = new DeviceVirtualization() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void attach(VirtualMachine vm) {
                lifecycle.add("devices attached to " + vm.name());
            }

            @Override
            public void activate(VirtualMachine vm) {
                lifecycle.add("devices activated for " + vm.name());
            }

            @Override
            public void detach(VirtualMachine vm) {
                lifecycle.add("devices detached from " + vm.name());
            }
        };
        VirtualMachine web = hypervisor.create(new VmConfig("web", 64 << 10, 16, 100, DeviceConfig.defaults()),
                cpu, memory, devices);
        web.switchIn();
        web.switchOut();
        int free = hypervisor.frames().freeFrames();
        web.memory().writeWord(0x3000, 7);   // the VM takes a frame
        assertThat(hypervisor.frames().freeFrames()).isEqualTo(free - 1);

        hypervisor.remove(web);

        assertThat(hypervisor.vms()).doesNotContain(web);
        assertThat(hypervisor.frames().freeFrames()).as("its frame is free again").isEqualTo(free);
        assertThat(lifecycle).containsExactly("devices attached to web", "cpu attached to web",
                "devices activated for web", "cpu activated for web", "cpu detached from web", "memory detached", "devices detached from web");
        assertThatThrownBy(() -> hypervisor.remove(web)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("VM web does not run on this hypervisor");
        vm("web", 100, new NoMemory());   // the name is free again
    }

    @Test
    void vmNamesAreUniqueBecauseTheyOwnFrames() {
        vm("web", 100, new NoMemory());

        assertThatThrownBy(() -> vm("web", 100, new NoMemory())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("there is already a VM named web");
        assertThat(hypervisor.vms()).hasSize(1);
        assertThatThrownBy(() -> hypervisor.vms().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aTimeSliceMustBePositive() {
        assertThatThrownBy(() -> hypervisor.setSlice(0)).hasMessage("a time slice must be positive, was 0");
    }

    @Test
    void vmsTakeTurnsASliceEachUntilEveryOneHasStopped() {
        NoMemory memoryA = new NoMemory();
        NoMemory memoryB = new NoMemory();
        VirtualMachine a = vm("a", 250, memoryA);
        VirtualMachine b = vm("b", 120, memoryB);
        hypervisor.setSlice(100);

        hypervisor.run();

        assertThat(runs).containsExactly("a:100", "b:100", "a:100", "b:20", "a:50");
        assertThat(a.stopped()).isTrue();
        assertThat(b.stopped()).isTrue();
        RunResult ra = a.result();
        assertThat(ra.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(ra.instructions()).isEqualTo(250);
        assertThat(b.result().instructions()).isEqualTo(120);
        assertThat(a.vcpu().register(1)).as("a's own registers survived the switches").isEqualTo(250);
        assertThat(b.vcpu().register(1)).isEqualTo(120);
        assertThat(a.vcpu().loaded()).as("switched out at the end").isFalse();
        assertThat(b.vcpu().loaded()).isFalse();
    }

    @Test
    void everySwitchFromOneVmToAnotherIsCountedAndChargedToTheIncomingVm() {
        NoMemory memoryA = new NoMemory();
        NoMemory memoryB = new NoMemory();
        VirtualMachine a = vm("a", 300, memoryA);
        VirtualMachine b = vm("b", 300, memoryB);
        hypervisor.setSlice(100);

        hypervisor.run();

        // a b a b a b, then each finds its fuel spent: a (switch) b (switch)
        assertThat(hypervisor.worldSwitches()).isEqualTo(7);
        assertThat(a.counters().events(CoreEvent.WORLD_SWITCH)).isEqualTo(3);
        assertThat(b.counters().events(CoreEvent.WORLD_SWITCH)).isEqualTo(4);
        assertThat(memoryA.activations).as("activated at every switch in, the first included").isEqualTo(4);
        assertThat(memoryB.activations).isEqualTo(4);
        assertThat(b.result().counters()).containsEntry("vmm.world_switch", 4L);
        assertThat(b.counters().cycles()).isEqualTo(4L * 2409 + b.counters().events(CoreEvent.TIMER_EXIT) * 2030);
    }

    @Test
    void aVmAloneNeverSwitchesWorlds() {
        VirtualMachine only = vm("only", 1000, new NoMemory());
        hypervisor.setSlice(100);

        hypervisor.run();

        assertThat(hypervisor.worldSwitches()).isZero();
        assertThat(only.counters().events(CoreEvent.WORLD_SWITCH)).isZero();
        assertThat(only.result().instructions()).isEqualTo(1000);
        assertThat(runs).hasSize(10);
    }

    @Test
    void eachVmHasItsOwnFramesLimitedToItsLimit() {
        VirtualMachine a = vm("a", 100, new NoMemory());
        VirtualMachine b = vm("b", 100, new NoMemory());

        a.memory().writeWord(0, 1);
        b.memory().writeWord(0, 2);

        assertThat(a.memory().machineFrame(0)).isNotEqualTo(b.memory().machineFrame(0));
        assertThat(hypervisor.frames().owner(a.memory().machineFrame(0))).isEqualTo("a");
        assertThat(a.memory().readWord(0)).isEqualTo(1);
        assertThat(b.memory().readWord(0)).isEqualTo(2);
        assertThat(a.memory().frameLimit()).isEqualTo(16);
    }

    @Test
    void aVmThatTouchesMoreFramesThanItsLimitIsStoppedAndTheOthersGoOn() {
        VirtualMachine greedy = hypervisor.create(new VmConfig("greedy", 64 << 10, 1, 1000, DeviceConfig.defaults()),
                new Greedy(), new NoMemory());
        VirtualMachine modest = vm("modest", 300, new NoMemory());

        hypervisor.run();

        assertThat(greedy.result().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
        assertThat(greedy.result().stopDetail())
                .isEqualTo("stopped by the VMM: greedy touched guest frame 0x00002 beyond its limit of 1 machine frames (4 KiB)");
        assertThat(modest.result().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(modest.result().instructions()).isEqualTo(300);
    }

    @Test
    void aVmThatFindsTheMachineOutOfMemoryIsStoppedAndTheOthersGoOn() {
        VmConfig overcommitted = new VmConfig("greedy", 2 << 20, 512, 1000, DeviceConfig.defaults());
        VirtualMachine greedy = hypervisor.create(overcommitted, new Greedy(), new NoMemory());
        VirtualMachine modest = vm("modest", 300, new NoMemory());

        hypervisor.run();

        assertThat(greedy.result().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
        assertThat(greedy.result().stopDetail()).startsWith("stopped by the VMM: the machine is out of memory: ");
        assertThat(modest.result().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(modest.result().instructions()).isEqualTo(300);
    }
    // --- between slices -----------------------------------------------------------------------------

    @Test
    void sliceHooksRunAfterEverySliceInTheOrderTheyWereAddedWithTheVmThatRan() {
        vm("a", 250, new NoMemory());
        vm("b", 120, new NoMemory());
        hypervisor.setSlice(100);
        hypervisor.betweenSlices(vm -> runs.add("scan after " + vm.name()));
        hypervisor.betweenSlices(vm -> runs.add("balloon after " + vm.name()));

        hypervisor.run();

        assertThat(runs).containsExactly(
                "a:100", "scan after a", "balloon after a",
                "b:100", "scan after b", "balloon after b",
                "a:100", "scan after a", "balloon after a",
                "b:20", "scan after b", "balloon after b",
                "a:50", "scan after a", "balloon after a");
    }

    /** A CPU virtualization double whose guest stores into guest-physical 0x3000 at every instruction, through the VMM. */
    private static final class Storing implements CpuVirtualization {
        @Override
        public String name() {
            return "storing";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            vm.vcpu().retire(1);
            vm.guestMemory().writeWord(0x3000, (int) vm.vcpu().instructions(), 0);
            return new Exit.Timer(vm.vcpu().pc());
        }
    }

    @Test
    void aVmThatTouchesAFrameItBalloonedOutIsStoppedAndTheOthersGoOn() {
        VirtualMachine careless = hypervisor.create(new VmConfig("careless", 64 << 10, 16, 1000, DeviceConfig.defaults()),
                new Storing(), new NoMemory());
        VirtualMachine modest = vm("modest", 300, new NoMemory());
        hypervisor.setSlice(100);
        hypervisor.betweenSlices(vm -> {
            if (vm == careless && !careless.memory().isBallooned(3)) {
                careless.memory().balloon(3);   // its balloon driver gave the frame back
            }
        });

        hypervisor.run();

        assertThat(careless.result().stopReason()).isEqualTo(StopReason.GUEST_ERROR);
        assertThat(careless.result().stopDetail()).isEqualTo("stopped by the VMM: careless touched guest frame"
                + " 0x00003, which it had given back to the VMM (ballooned out)");
        assertThat(careless.result().instructions()).as("its first slice, and one more store").isEqualTo(101);
        assertThat(modest.result().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(modest.result().instructions()).isEqualTo(300);
    }

    @Test
    void aCopyOnWriteBreakThatFindsTheMachineOutOfMemoryStopsTheVmAndTheOthersGoOn() {
        VirtualMachine writer = hypervisor.create(new VmConfig("writer", 64 << 10, 16, 1000, DeviceConfig.defaults()),
                new Storing(), new NoMemory());
        VirtualMachine modest = vm("modest", 300, new NoMemory());
        writer.memory().writeWord(0x3000, 0);
        modest.memory().writeWord(0x5000, 0);
        modest.memory().share(5, writer.memory(), 3);
        while (hypervisor.frames().freeFrames() > 0) {
            hypervisor.frames().allocate("another");
        }

        hypervisor.run();

        assertThat(writer.result().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
        assertThat(writer.result().stopDetail()).startsWith("stopped by the VMM: the machine is out of memory: ");
        assertThat(writer.memory().isShared(3)).as("the store never landed").isTrue();
        assertThat(modest.memory().readWord(0x5000)).isZero();
        assertThat(modest.result().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
    }
}
