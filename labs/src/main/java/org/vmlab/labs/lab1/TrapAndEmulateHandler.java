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
        throw new UnsupportedOperationException("TODO(lab1): route the exit: emulate the guest kernel's privileged instructions, reflect everything else into the guest (see VirtualTraps)");
    }
}
