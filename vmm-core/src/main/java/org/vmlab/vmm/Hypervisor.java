package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.isa.Registers;

/**
 * The VMM: it owns the real machine (ring 0 is Java code here: every trap of the guest ends up in
 * it), hands out machine frames to VMs, and schedules their vCPUs on the one physical CPU, round
 * robin, a time slice of guest instructions each.
 */
public final class Hypervisor {
    /** Guest instructions a VM runs before the next VM's turn. */
    public static final long DEFAULT_SLICE = 100_000;

    private final Machine machine;
    private final MachineFrames frames;
    private final VmmCostModel costs;
    private final List<VirtualMachine> vms = new ArrayList<>();
    private long slice = DEFAULT_SLICE;
    private long worldSwitches;

    /** A VMM on a new machine built from {@code hostConfig}. */
    public Hypervisor(MachineConfig hostConfig, VmmCostModel costs) {
        this.machine = new Machine(hostConfig);
        this.frames = new MachineFrames(machine.memory(), 0);
        this.costs = costs;
        machine.cpu().setExitControls(ExitControls.EVERY_TRAP);
        machine.mmio().setTrapping(true);
        // Paging is always on for real: guest addresses, even "physical" ones, are translated.
        machine.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
    }

    /**
     * Creates a VM from {@code config} with the given techniques; it runs when {@link #run} is
     * called.
     */
    public VirtualMachine create(VmConfig config, CpuVirtualization cpu, MemoryVirtualization memory) {
        for (VirtualMachine vm : vms) {
            if (vm.name().equals(config.name())) {
                throw new IllegalArgumentException("there is already a VM named " + config.name());
            }
        }
        VirtualMachine vm = new VirtualMachine(config, machine, frames, cpu, memory, costs);
        vms.add(vm);
        return vm;
    }

    /**
     * Removes {@code vm}: its techniques give back what they took of the machine (listeners,
     * their own frames), and its frames return to the free pool for other VMs.
     */
    public void remove(VirtualMachine vm) {
        if (!vms.remove(vm)) {
            throw new IllegalArgumentException("VM " + vm.name() + " does not run on this hypervisor");
        }
        vm.detach();
    }

    public void setSlice(long instructions) {
        if (instructions <= 0) {
            throw new IllegalArgumentException("a time slice must be positive, was " + instructions);
        }
        this.slice = instructions;
    }

    /** Runs every VM, in turns, until each has stopped. */
    public void run() {
        VirtualMachine current = null;
        while (true) {
            boolean ranAny = false;
            for (VirtualMachine vm : vms) {
                if (vm.stopped()) {
                    continue;
                }
                if (vm != current) {
                    if (current != null) {
                        current.switchOut();
                        worldSwitches++;
                        vm.counters().event(CoreEvent.WORLD_SWITCH);
                    }
                    vm.switchIn();
                    current = vm;
                }
                vm.runSlice(slice);
                ranAny = true;
            }
            if (!ranAny) {
                break;
            }
        }
        if (current != null) {
            current.switchOut();
        }
    }

    public List<VirtualMachine> vms() {
        return Collections.unmodifiableList(vms);
    }

    public Machine machine() {
        return machine;
    }

    public MachineFrames frames() {
        return frames;
    }

    public long worldSwitches() {
        return worldSwitches;
    }
}
