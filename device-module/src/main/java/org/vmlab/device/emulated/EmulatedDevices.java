package org.vmlab.device.emulated;

import java.util.List;
import org.vmlab.device.DeviceEvent;
import org.vmlab.device.HostSide;
import org.vmlab.machine.Machine;
import org.vmlab.machine.device.DeviceWiring;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Hypervisor-direct device virtualization, the lecture's "the VMM intercepts every access and
 * emulates the device": the guest sees the machine's own devices (the VM's board), every access
 * to one of their registers exits (the vCPU's binding keeps every device window trapping), and a
 * device model emulates it. It works for any guest, unmodified, at the price of an exit per
 * register access.
 *
 * <p>The model runs where the hosting model puts device work: each emulated access is a trip to
 * the driver domain (bare-metal, as Xen's device model in dom0) or to the host process (hosted,
 * as QEMU under KVM). The data the model moves goes to and from the real device through a
 * host-side queue, one request and one copy for each block (a disk request's sectors, a frame).
 * Interrupts are the model's, injected by the VMM as any virtual interrupt.
 */
public final class EmulatedDevices implements DeviceVirtualization {
    private final HostSide hostSide;
    private VirtualMachine vm;

    public EmulatedDevices(Hosting hosting) {
        this.hostSide = new HostSide(hosting);
    }

    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public List<VmmEvent> events() {
        return DeviceEvent.ALL;
    }

    @Override
    public DeviceWiring wiring(Machine host) {
        return new DeviceWiring() {
            @Override
            public DmaSpace dma(int sourceId, DmaSpace standard) {
                return new HostQueue(standard, bytes -> hostSide.request(vm, bytes));
            }
        };
    }

    @Override
    public void attach(VirtualMachine vm) {
        this.vm = vm;
    }

    @Override
    public void accessEmulated(VirtualMachine vm) {
        hostSide.trip(vm, "device model");
    }

    /** The models run in the driver domain or the host process: every access is a trip there. */
    @Override
    public boolean modelsRunInTheVmm() {
        return false;
    }

    /** Where the model runs. */
    public Hosting hosting() {
        return hostSide.hosting();
    }
}
