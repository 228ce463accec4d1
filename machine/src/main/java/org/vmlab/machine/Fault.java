package org.vmlab.machine;

/**
 * A processor exception raised while executing an instruction: the vector, its error code, and
 * for a page fault the faulting address.
 *
 * <p>Faults are ordinary control flow for the machine (every page fault of demand paging is one),
 * so this exception records no stack trace: throwing it costs about as much as a return.
 */
public final class Fault extends RuntimeException {
    private final int vector;
    private final int errorCode;
    private final int address;

    public Fault(int vector, int errorCode, int address) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.address = address;
    }

    public Fault(int vector, int errorCode) {
        this(vector, errorCode, 0);
    }

    public int vector() {
        return vector;
    }

    public int errorCode() {
        return errorCode;
    }

    /** For a page fault, the virtual address that faulted (what cr2 will hold). */
    public int address() {
        return address;
    }

    @Override
    public String getMessage() {
        return String.format("vector %d, error code 0x%x, address 0x%08x", vector, errorCode, address);
    }
}
