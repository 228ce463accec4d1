package org.vmlab.labs.lab1;

import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.cpu.trapemulate.TrapHandler;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 1, part 1: the trap handler of a trap-and-emulate VMM. Every trap of the deprivileged guest
 * arrives here. Decide, as Popek and Goldberg's control program does, whether the VMM must
 * emulate the instruction (the guest kernel believes it runs in ring 0) or the guest must see the
 * trap itself (its user code trapped, or it made a system call, or faulted).
 */
public final class TrapAndEmulateHandler implements TrapHandler {
    private final InstructionEmulator emulator;

    public TrapAndEmulateHandler() {
        this(new PrivilegedInstructionEmulator());
    }

    public TrapAndEmulateHandler(InstructionEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public void handle(VirtualMachine vm, Exit exit) {
        // BEGIN SOLUTION: route the exit: emulate the guest kernel's privileged instructions, reflect everything else into the guest (see VirtualTraps)
        if (exit instanceof Exit.SoftwareInterrupt call) {
            vm.traps().softwareInterrupt(call.vector(), call.pc());
        } else if (exit instanceof Exit.GuestException fault) {
            vm.traps().deliver(fault.vector(), fault.errorCode(), fault.pc());
        } else if (exit instanceof InstructionExit trapped) {   // privileged, I/O or hlt
            if (vm.vcpu().virtualRing() == 0) {
                emulator.emulate(vm, trapped.instruction());
            } else {
                // The guest's user code tried it: on bare metal it would trap to the guest.
                vm.traps().deliver(Vector.GENERAL_PROTECTION, 0, trapped.pc());
            }
        } else {
            throw new IllegalArgumentException("not a trap-and-emulate exit: " + Exit.describe(exit));
        }
        // END SOLUTION
    }
}
