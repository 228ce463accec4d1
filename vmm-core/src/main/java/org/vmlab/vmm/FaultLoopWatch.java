package org.vmlab.vmm;

import org.vmlab.machine.isa.Vector;

/**
 * Notices a VMM that handles the same page fault again and again without the guest getting past
 * it: memory virtualization reports the fault fixed (a hidden fault), the guest runs the access
 * again, and it faults the same way, forever. On bare metal there is no such loop (the access
 * either succeeds or reaches the guest's handler), so it is always the VMM's bug, and the run is
 * stopped with a reason that says so, rather than left to spin until its fuel or a test's time
 * limit runs out.
 */
final class FaultLoopWatch {

    /** How many times in a row the same fault may be fixed before the run is stopped. */
    static final int LIMIT = 10_000;

    private int pc;
    private int address;
    private int errorCode;
    private long instructions = -1;
    private int repeats;
    private String kind = "";

    /** Records that page fault {@code exit} was reported fixed, as {@link #fixed(Exit, int, int, long)}. */
    String fixed(Exit.PageFault exit, long retired) {
        return fixed(exit, exit.address(), exit.errorCode(), retired);
    }

    /**
     * Records that the fault of {@code exit} (a page fault, or an EPT violation), an access to
     * {@code faultAddress} described by {@code faultErrorCode} as a page fault's error code, was
     * reported fixed while the guest had retired {@code retired} instructions.
     *
     * @return why the run must stop, or null while the guest still makes progress
     */
    String fixed(Exit exit, int faultAddress, int faultErrorCode, long retired) {
        if (retired == instructions && exit.pc() == pc && faultAddress == address
                && faultErrorCode == errorCode && exit.kind().equals(kind)) {
            repeats++;
        } else {
            pc = exit.pc();
            address = faultAddress;
            errorCode = faultErrorCode;
            kind = exit.kind();
            instructions = retired;
            repeats = 1;
        }
        if (repeats < LIMIT) {
            return null;
        }
        return String.format("no progress: the %s at pc=0x%08x on address 0x%08x (%s) was"
                + " handled as fixed %,d times in a row, and the guest never got past it: the fix"
                + " does not let the access succeed (%s)", kind, pc, address, access(errorCode), repeats,
                kind.equals(Exit.PageFault.KIND) ? "is the right frame mapped, with the guest's"
                + " user bit? for a write, is the entry writable and the guest's dirty bit set? is"
                + " the accessed bit set?" : "is the frame mapped, with the permission the access needs?");
    }

    private static String access(int errorCode) {
        String kind = (errorCode & Vector.PF_WRITE) != 0 ? "write"
                : (errorCode & Vector.PF_FETCH) != 0 ? "fetch" : "read";
        return kind + ((errorCode & Vector.PF_USER) != 0 ? " from user mode"
                : " from the kernel")
                + ((errorCode & Vector.PF_PRESENT) != 0
                ? ", page present" : ", page not present");
    }
}
