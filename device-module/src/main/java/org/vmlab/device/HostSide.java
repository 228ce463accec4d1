package org.vmlab.device;

import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Where a VM's device work runs outside the guest, and what getting there costs: the driver
 * domain under bare-metal hosting, a host process under hosted. A device model calls {@link #trip}
 * each time the VMM must hand it work (one emulated register access, one back end's batch), and
 * {@link #request} for each request it puts to the real device; the trace names each trip.
 */
public final class HostSide {
    /** How many bytes {@link DeviceEvent#HOST_COPY_LINE} copies. */
    public static final int LINE = 64;

    private final Hosting hosting;

    public HostSide(Hosting hosting) {
        this.hosting = hosting;
    }

    public Hosting hosting() {
        return hosting;
    }

    /** The event one trip to the device work and back costs under this hosting model. */
    public VmmEvent tripEvent() {
        return hosting == Hosting.BARE_METAL ? DeviceEvent.DRIVER_DOMAIN_SWITCH : DeviceEvent.HOST_PROCESS_SWITCH;
    }

    /** Where device work runs, as the trace names it. */
    public String place() {
        return hosting == Hosting.BARE_METAL ? "driver domain" : "host process";
    }

    /** The VMM hands device work for {@code vm} to the driver domain or the host process, and comes back. */
    public void trip(VirtualMachine vm, String why) {
        vm.counters().event(tripEvent());
        vm.mark("device", place() + ": " + why, vm.vcpu().pc());
    }

    /**
     * The host side puts one request of {@code bytes} bytes to the real device for {@code vm},
     * copying them between its buffer and the guest's memory.
     */
    public void request(VirtualMachine vm, int bytes) {
        vm.counters().event(DeviceEvent.HOST_IO_REQUEST);
        vm.counters().event(DeviceEvent.HOST_COPY_LINE, (bytes + LINE - 1) / LINE);
    }
}
