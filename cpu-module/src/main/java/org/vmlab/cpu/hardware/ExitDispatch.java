package org.vmlab.cpu.hardware;

import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.vmm.Exit;

/**
 * What a VM exit is to the VMM (Intel SDM Vol. 3C, ch. 27, "VM Exits", and appendix C): the exit
 * reason and the exit information in the VMCS, made into one of the core's {@link Exit}s (or a
 * {@link VmxExit}), whose handler the VM's {@link org.vmlab.vmm.ExitHandlers} then runs: Lab 1's
 * emulator for the instructions, the core for timers, interrupts and hypercalls, the memory
 * technique for page faults and EPT violations, the guest's own interrupt table for its
 * exceptions, a #UD for a VMX instruction.
 *
 * <p>{@link HardwareAssist} has already dealt with what is not an exit of the guest's (an entry
 * that failed, a reason the machine does not define) and charged the exit's world switch.
 */
public interface ExitDispatch {
    /**
     * The exit for {@code reason}. Never null, and never an exception: whatever the guest did,
     * the VMM goes on (a {@link VmxExit.Stop} stops the VM when it cannot).
     */
    Exit exitFor(VmExitReason reason, VmExitInformation exit);

    /**
     * After an EPT violation has been handled: the event to inject again at the next VM entry
     * (a VM-entry interruption information), or 0. {@code idtVectoring} is the exit's
     * IDT-vectoring information (SDM 27.2.4): the event whose delivery the violation
     * interrupted, if its valid bit is set.
     */
    int reinjection(int idtVectoring);
}
