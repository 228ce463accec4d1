package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * The shared-info page: one page of the guest's memory that the guest and the hypervisor both
 * write, the guest with plain stores (no exit), the hypervisor at its exits. It is Xen's
 * {@code shared_info} with its first {@code vcpu_info}, in small: the virtual interrupt flag as
 * the upcall mask, the event bitmaps, and what the hypervisor tells the kernel of the vCPU (cr2,
 * the time). docs/paravirt.md gives the layout.
 *
 * <p>These are typed accessors over guest-physical memory at the page's address, nothing cached:
 * the guest may change any word between two exits. A flag word reads as set when it is not 0,
 * as Xen's flag bytes do. A word is written only when its value changes, so that the VMM's
 * writes do not wake memory listeners for nothing.
 */
public final class SharedInfo {
    /** Word offsets in the page. */
    public static final int UPCALL_PENDING = 0;
    public static final int UPCALL_MASK = 4;
    public static final int CR2 = 8;
    public static final int TIME_LOW = 12;
    public static final int TIME_HIGH = 16;
    public static final int PENDING_PORTS = 64;
    public static final int MASKED_PORTS = 68;

    private final GuestPhysicalMemory memory;
    private final int address;

    /** The page at guest-physical {@code address} of {@code memory}. */
    public SharedInfo(GuestPhysicalMemory memory, int address) {
        this.memory = memory;
        this.address = address;
    }

    /** The page's guest-physical (pseudo-physical) address. */
    public int address() {
        return address;
    }

    /** A port became pending (and unmasked) since the guest last cleared this. */
    public boolean upcallPending() {
        return word(UPCALL_PENDING) != 0;
    }

    public void setUpcallPending(boolean pending) {
        setWord(UPCALL_PENDING, pending ? 1 : 0);
    }

    /** Events are not delivered: the guest's virtual IF is 0. */
    public boolean upcallMask() {
        return word(UPCALL_MASK) != 0;
    }

    public void setUpcallMask(boolean masked) {
        setWord(UPCALL_MASK, masked ? 1 : 0);
    }

    /** The faulting address of the last page fault delivered to the guest. */
    public int cr2() {
        return word(CR2);
    }

    public void setCr2(int cr2) {
        setWord(CR2, cr2);
    }

    /** The VM's time, in ticks, as the hypervisor last wrote it. */
    public long time() {
        return Integer.toUnsignedLong(word(TIME_LOW)) | (long) word(TIME_HIGH) << 32;
    }

    public void setTime(long ticks) {
        setWord(TIME_LOW, (int) ticks);
        setWord(TIME_HIGH, (int) (ticks >>> 32));
    }

    /** Bit {@code p}: port {@code p} has an event pending. */
    public int pendingPorts() {
        return word(PENDING_PORTS);
    }

    public void setPendingPorts(int ports) {
        setWord(PENDING_PORTS, ports);
    }

    /** Bit {@code p}: port {@code p} is masked. */
    public int maskedPorts() {
        return word(MASKED_PORTS);
    }

    public void setMaskedPorts(int ports) {
        setWord(MASKED_PORTS, ports);
    }

    private int word(int offset) {
        return memory.readWord(address + offset);
    }

    private void setWord(int offset, int value) {
        if (word(offset) != value) {
            memory.writeWord(address + offset, value);
        }
    }
}
