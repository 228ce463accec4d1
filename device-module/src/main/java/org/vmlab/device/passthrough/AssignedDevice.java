package org.vmlab.device.passthrough;

import org.vmlab.machine.Clock;
import org.vmlab.machine.device.MmioDevice;
import org.vmlab.machine.device.PortDevice;
import org.vmlab.vmm.VirtualMachine;

/**
 * A device assigned to a VM, where the machine's buses reach it: the guest's loads, stores,
 * {@code in} and {@code out} come here straight from the real CPU, without an exit.
 *
 * <p>The device runs on the VM's clock, which counts the guest's own ticks, so that it acts at
 * the tick it would on bare metal (on real hardware the device runs in real time, which the VM
 * shares while it runs; here the VM's time is its own count of instructions). So each access
 * first brings the VM's devices to the guest's tick of the access, and after it, if the access
 * scheduled a device event or raised an interrupt, asks the real CPU to pause the guest's run
 * there, where the VMM's loop runs the event or offers the interrupt, exactly as between two
 * exits.
 */
final class AssignedDevice implements MmioDevice, PortDevice {
    private final VirtualMachine vm;
    private final String name;
    private final MmioDevice window;
    private final PortDevice ports;

    private AssignedDevice(VirtualMachine vm, String name, MmioDevice window, PortDevice ports) {
        this.vm = vm;
        this.name = name;
        this.window = window;
        this.ports = ports;
    }

    /** {@code device}, a VM's memory-mapped device, reached directly by the guest. */
    static AssignedDevice window(VirtualMachine vm, MmioDevice device) {
        return new AssignedDevice(vm, device.name(), device, null);
    }

    /** {@code device}, a VM's port device, reached directly by the guest. */
    static AssignedDevice ports(VirtualMachine vm, PortDevice device) {
        return new AssignedDevice(vm, device.name(), null, device);
    }

    /** The VM it is assigned to. */
    VirtualMachine owner() {
        return vm;
    }

    @Override
    public String name() {
        return name + " (assigned to " + vm.name() + ")";
    }

    @Override
    public int read(int offset) {
        long now = catchUp();
        int value = window.read(offset);
        boundTheRun(now);
        return value;
    }

    @Override
    public void write(int offset, int value) {
        long now = catchUp();
        window.write(offset, value);
        boundTheRun(now);
    }

    @Override
    public int in(int offset) {
        long now = catchUp();
        int value = ports.in(offset);
        boundTheRun(now);
        return value;
    }

    @Override
    public void out(int offset, int value) {
        long now = catchUp();
        ports.out(offset, value);
        boundTheRun(now);
    }

    /** The VM's devices at the guest's tick of this access; returns that tick. */
    private long catchUp() {
        long now = vm.guestTicksNow();
        vm.devices().clock().advanceTo(now);
        return now;
    }

    /**
     * The run pauses after this instruction if the access raised an interrupt, or at the tick of
     * the next device event if the access scheduled one sooner than the run would have ended.
     */
    private void boundTheRun(long now) {
        long retired = vm.host().cpu().instructions();
        if (vm.devices().pic().hasDeliverable()) {
            vm.host().cpu().pauseBy(retired + 1);
            return;
        }
        Clock clock = vm.devices().clock();
        long next = clock.nextDeadline();
        if (next != Long.MAX_VALUE) {
            vm.host().cpu().pauseBy(retired + Math.max(1, next - now));
        }
    }
}
