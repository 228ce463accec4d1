package org.vmlab.device;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/**
 * What the device models charge beyond the core's events: the trip from the VMM to where device
 * work runs (which the {@link org.vmlab.vmm.Hosting hosting model} decides) and the host side's
 * work on the real device. docs/cost-model.md gives each figure's source.
 */
public final class DeviceEvent {
    /**
     * Bare-metal hosting: a world switch to the driver domain that owns the real device and one
     * back, for one piece of device work (an emulated register access's model, a back end's
     * batch).
     */
    public static final VmmEvent DRIVER_DOMAIN_SWITCH = VmmEvent.declare("DRIVER_DOMAIN_SWITCH", 4818,
            "estimate: two world switches (2 x WORLD_SWITCH), to the driver domain and back");

    /**
     * Hosted: a switch from the VMM in the host kernel to the host process that holds the device
     * model or back end (KVM to QEMU) and one back.
     */
    public static final VmmEvent HOST_PROCESS_SWITCH = VmmEvent.declare("HOST_PROCESS_SWITCH", 3000,
            "estimate: a return to a host user process and a system call back, with two context switches");

    /**
     * The host side hands one request (a disk request, a frame) to the real device through its own
     * driver and takes the completion: a host I/O system call, or a driver-domain driver call.
     */
    public static final VmmEvent HOST_IO_REQUEST = VmmEvent.declare("HOST_IO_REQUEST", 2000,
            "estimate: one request through a host driver (submission and completion)");

    /** Copying one 64-byte line between the host's buffer and the guest's memory. */
    public static final VmmEvent HOST_COPY_LINE = VmmEvent.declare("HOST_COPY_LINE", 16,
            "estimate: a 64-byte cache line copied at about 4 bytes a cycle");

    /** Every event of the device models. */
    public static final List<VmmEvent> ALL = List.of(DRIVER_DOMAIN_SWITCH, HOST_PROCESS_SWITCH,
            HOST_IO_REQUEST, HOST_COPY_LINE);

    private DeviceEvent() {
    }
}
