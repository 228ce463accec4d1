package org.vmlab.vmm;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_IF;

import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Machine;

/**
 * The software techniques' binding of a vCPU to the real CPU: ring compression. The guest
 * kernel, which believes it runs in ring 0, runs in ring 1; guest user code stays in ring 3
 * (rings 1 and 2 share ring 2). Ring 0 is the VMM's alone: every trap of the guest stops the
 * real CPU and reaches the VMM (exit controls {@link ExitControls#EVERY_TRAP}), every access to a device window traps,
 * and the real interrupt flag stays on so that the VMM keeps control of the machine; the guest's
 * own IF is virtual.
 */
public final class RingCompression implements VcpuBinding {
    /** The one instance: the binding has no state of its own. */
    public static final RingCompression INSTANCE = new RingCompression();

    /** The real ring that each virtual ring runs in: kernel 0 to 1. */
    private static final int[] REAL_RING = {1, 2, 2, 3};

    private RingCompression() {
    }

    @Override
    public void enter(Machine host) {
        host.cpu().setExitControls(ExitControls.EVERY_TRAP);
        host.mmio().setTrapping(true);
        host.io().revokeAll();
    }

    @Override
    public int realFlags(int guestFlags) {
        return guestFlags & CONDITION_BITS | FLAG_IF | REAL_RING[(guestFlags & CPL_MASK) >>> CPL_SHIFT] << CPL_SHIFT;
    }

    @Override
    public int realRing(int virtualRing) {
        return REAL_RING[virtualRing];
    }
}
