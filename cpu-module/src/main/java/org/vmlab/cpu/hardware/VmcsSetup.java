package org.vmlab.cpu.hardware;

/**
 * The VMCS's execution controls for a VM entry (Intel SDM Vol. 3C, ch. 24.6, "VM-Execution
 * Control Fields"): what makes the guest leave non-root mode, and so what the VMM keeps for
 * itself. Each is a decision with a reason: a control that is missing lets the guest keep
 * something that is the VMM's (the processor, the machine's devices and interrupts, the real page
 * tables); one that is set without need costs an exit that does nothing (Adams and Agesen, ASPLOS
 * 2006: the exits are the price of hardware assistance).
 *
 * <p>{@link HardwareAssist} writes what these return into the VMCS before every entry, the
 * VMX-preemption timer's value, the EPT pointer and the VPID with them; the VM-exit and VM-entry
 * controls are 0; cr0 and cr4 are wholly masked (every change exits; reads see the vCPU's).
 * Each value is made of the bits of {@link org.vmlab.machine.vt.VmxControls}; a reserved bit set
 * makes the entry fail.
 */
public interface VmcsSetup {
    /** The pin-based controls (SDM 24.6.1): what an asynchronous event does to the guest. */
    int pinBasedControls(EntryConditions run);

    /**
     * The primary processor-based controls (SDM 24.6.2): which instructions exit, whether the
     * guest's interrupt window does, and whether the secondary controls count.
     */
    int processorBasedControls(EntryConditions run);

    /**
     * The secondary processor-based controls (SDM 24.6.2, Table 24-7), read only when the primary
     * controls activate them: EPT and VPID.
     */
    int secondaryControls(EntryConditions run);

    /**
     * The exception bitmap (SDM 24.6.3): bit {@code v} set, exception {@code v} in the guest exits
     * rather than going through the guest's interrupt table.
     */
    int exceptionBitmap(EntryConditions run);
}
