package org.vmlab.machine.vt;

import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A VMCS: the 4 KiB region of machine memory that a monitor allocates for one virtual processor,
 * seen through its fields (Intel SDM Vol. 3C, "Virtual Machine Control Structures"). The region
 * starts with a header, as the SDM's does: word 0 the revision identifier ({@link #REVISION}, which
 * {@code vmptrld} checks), word 1 the VMX-abort indicator (unused here), word 2 the launch state
 * (0 clear, 1 launched), which the SDM keeps in the processor and which software must not
 * write. Field {@code f} is the word at {@link #FIELDS} + 4 * {@code f.slot()}. Software reads and
 * writes fields with {@code vmread} and {@code vmwrite} (a Java monitor with {@link #read} and
 * {@link #write}), never by their place, which is this machine's own.
 *
 * <p>The view reads and writes memory directly: it holds nothing, so it is never stale.
 */
public final class Vmcs {
    /** The VMCS revision identifier of this machine. */
    public static final int REVISION = 0x766D7801;
    /** The size of the region and its alignment. */
    public static final int SIZE = 4096;
    /** Byte offset of the launch state word. */
    public static final int LAUNCH_STATE = 8;
    /** Byte offset of the first field. */
    public static final int FIELDS = 16;

    private final PhysicalMemory memory;
    private final int address;

    /** The VMCS at machine address {@code address} (4 KiB aligned, in RAM). */
    public Vmcs(PhysicalMemory memory, int address) {
        if (!isValidAddress(memory, address)) {
            throw new IllegalArgumentException(String.format("no VMCS can be at 0x%08x", address));
        }
        this.memory = memory;
        this.address = address;
    }

    /** True if a VMCS may be at {@code address}: 4 KiB aligned, the whole region in RAM. */
    public static boolean isValidAddress(PhysicalMemory memory, int address) {
        return (address & (SIZE - 1)) == 0 && memory.contains(address, SIZE);
    }

    /**
     * Prepares the region at {@code address} as a monitor does before its first {@code vmptrld}:
     * zeroes it and writes the revision identifier. The launch state is then clear.
     */
    public static Vmcs format(PhysicalMemory memory, int address) {
        Vmcs vmcs = new Vmcs(memory, address);
        memory.write(address, new byte[SIZE]);
        memory.writeWord(address, REVISION);
        return vmcs;
    }

    public int address() {
        return address;
    }

    public int revision() {
        return memory.readWord(address);
    }

    public int read(VmcsField field) {
        return memory.readWord(address + FIELDS + 4 * field.slot());
    }

    /** Writes any field, the read-only ones included (the processor writes those at VM exit). */
    public void write(VmcsField field, int value) {
        memory.writeWord(address + FIELDS + 4 * field.slot(), value);
    }

    public boolean launched() {
        return memory.readWord(address + LAUNCH_STATE) == 1;
    }

    public void setLaunched(boolean launched) {
        memory.writeWord(address + LAUNCH_STATE, launched ? 1 : 0);
    }

    /** The exit reason of the last VM exit, or null for a number this machine does not produce. */
    public VmExitReason exitReason() {
        return VmExitReason.of(read(VmcsField.EXIT_REASON));
    }

    /** True if the last VM exit was a failed VM entry (bit 31 of the exit reason). */
    public boolean entryFailed() {
        return (read(VmcsField.EXIT_REASON) & VmExitReason.ENTRY_FAILURE) != 0;
    }
}
