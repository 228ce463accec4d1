package org.vmlab.vmm;

/** Every way control reaches the VMM from a running guest. */
public enum ExitReason {
    /** A privileged instruction of the deprivileged guest kernel trapped (#GP): to be emulated. */
    PRIVILEGED_INSTRUCTION,
    /** An {@code in} or {@code out} trapped: a device register access, to be emulated. */
    IO_ACCESS,
    /** {@code hlt} trapped: the guest waits for an interrupt, or powers off. */
    HALT,
    /** A page fault: hidden (the VMM's own doing) or the guest's, to be reflected. */
    PAGE_FAULT,
    /** Any other exception raised by a guest instruction, to be reflected into the guest. */
    EXCEPTION,
    /** A system call or other {@code int n}, to be reflected into the guest's handler. */
    SOFTWARE_INTERRUPT,
    /** Binary translation: translated code called out to the VMM for a sensitive instruction. */
    CALLOUT,
    /**
     * The guest made interrupts deliverable (emulated {@code sti}, {@code popf}, {@code iret}
     * without leaving the VMM's code path): the VMM looks at pending interrupts before going on.
     */
    INTERRUPT_WINDOW,
    /** Paravirtualization: the guest kernel called the hypervisor. */
    HYPERCALL,
    /**
     * The VMM's timer: the guest ran as far as it may, up to its next virtual device event, the
     * end of its time slice or of its fuel.
     */
    TIMER
}
