package org.vmlab.cpu.outside;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.cpu.DirectExecution;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * A CPU technique written outside the VMM core, with nothing but the core's public seams: it
 * declares its own cost event, raises an exit kind of its own and registers its handler, and
 * serves hypercalls through the VM's hypercall table. The guest kernel runs directly,
 * deprivileged; {@code int 0x82} is its hypercall (as 32-bit Xen's), {@code int 0x83} rings a
 * doorbell (an exit of this technique's own), and anything else stops the VM.
 */
final class DoorbellTechnique implements CpuVirtualization {
    static final int HYPERCALL_VECTOR = 0x82;
    static final int DOORBELL_VECTOR = 0x83;
    /** Hypercall 1: add its first two arguments. */
    static final int HYPERVISOR_ADD = 1;
    /** Hypercall 2: power off, as Xen's sched_op(SCHEDOP_shutdown). */
    static final int HYPERVISOR_SHUTDOWN = 2;

    /** The technique's own cost event. */
    static final VmmEvent DOORBELL = VmmEvent.declare("DOORBELL", 777, "estimate: a test's figure");

    /** The technique's own exit: the guest rang the doorbell with the value in r1. */
    record Doorbell(int pc, int value) implements Exit.TechniqueExit {
        @Override
        public String kind() {
            return "doorbell";
        }
    }

    /** The values the guest rang the doorbell with, in order. */
    final List<Integer> rung = new ArrayList<>();

    @Override
    public String name() {
        return "doorbell";
    }

    @Override
    public List<VmmEvent> events() {
        return List.of(DOORBELL);
    }

    @Override
    public void attach(VirtualMachine vm) {
        vm.exitHandlers().register(Doorbell.class, name(), this::ring);
        vm.hypercalls().register(HYPERVISOR_ADD, "add", name(), (v, args) -> args.a1() + args.a2());
        vm.hypercalls().register(HYPERVISOR_SHUTDOWN, "shutdown", name(), (v, args) -> {
            v.vcpu().stop(StopReason.HALT, "the guest shut down with code " + args.a1());
            return 0;
        });
    }

    private void ring(VirtualMachine vm, Doorbell exit) {
        vm.counters().event(DOORBELL);
        rung.add(exit.value());
        vm.vcpu().setPc(exit.pc() + 4);
        vm.vcpu().retire(1);
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Trap trap = DirectExecution.run(vm, budget);
        if (trap == null) {
            return new Exit.Timer(vm.vcpu().pc());
        }
        Exit exit = DirectExecution.exitFor(trap);
        if (exit instanceof Exit.SoftwareInterrupt call && vm.vcpu().virtualRing() == 0) {
            if (call.vector() == HYPERCALL_VECTOR) {
                return new Exit.Hypercall(call.pc(), vm.vcpu().register(1));
            }
            if (call.vector() == DOORBELL_VECTOR) {
                return new Doorbell(call.pc(), vm.vcpu().register(1));
            }
        }
        return exit;   // no handler for it: the VM stops, naming the exit
    }

    static int enosys() {
        return -Errno.ENOSYS;
    }
}
