package org.vmlab.vmm;

import java.util.Objects;
import org.vmlab.machine.device.Board;

/**
 * A VM's state besides its memory, as a value: its vCPU and its board (the clock with every pending
 * device event, and each device's registers). With the guest's pages ({@link
 * GuestPhysicalMemory#pageContents}) it is all that a snapshot holds, and what a migration's
 * stop-and-copy sends last [Clark et al., "Live Migration of Virtual Machines", NSDI 2005, §3].
 *
 * <p>What the VMM keeps for the guest besides (shadow page tables, translations, the VMCS) is not
 * here: it is derived from this state and rebuilt by the techniques of the VM it is restored on.
 * The VMM's own counters and cycles are not here either: they count the work of one host's VMM.
 *
 * @param vcpu    the vCPU
 * @param devices the board
 */
public record VmState(Vcpu.State vcpu, Board.State devices) {
    public VmState {
        Objects.requireNonNull(vcpu, "vcpu");
        Objects.requireNonNull(devices, "devices");
    }
}
