package org.vmlab.cpu.trapemulate;

import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * The trap-and-emulate VMM's handler: every trap of the deprivileged guest comes here, and the
 * handler decides. A privileged instruction of the guest kernel is emulated; anything the guest
 * would have trapped on by itself (a system call, a fault, a privileged instruction in user mode)
 * is reflected into the guest's own handler.
 */
public interface TrapHandler {
    /**
     * Handles {@code exit}: an {@link Exit.PrivilegedInstruction}, {@link Exit.IoAccess},
     * {@link Exit.Halt}, {@link Exit.GuestException} or {@link Exit.SoftwareInterrupt}.
     */
    void handle(VirtualMachine vm, Exit exit);
}
