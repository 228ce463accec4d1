package org.vmlab.vmm;

import java.util.List;
import org.vmlab.machine.Machine;
import org.vmlab.machine.device.DeviceWiring;

/**
 * The seam for device virtualization: how a VM's guest reaches its devices. The VM's devices are
 * a {@link org.vmlab.machine.device.Board} ({@link VirtualMachine#devices()}); the technique
 * decides how the guest's accesses to them are served. Hypervisor-direct emulation (every device
 * register access exits and a device model emulates it), passthrough (a real device assigned to
 * the VM, its windows mapped into the guest) and the split driver (a paravirtual front end and a
 * back end sharing a ring) each implement it.
 *
 * <p>Its lifecycle is the other seams': {@link #attach} once as the VM is made (register exit
 * handlers and hypercalls, take what it needs of the machine), {@link #activate} at each world
 * switch in, {@link #detach} once as the VM is removed.
 */
public interface DeviceVirtualization {
    /** The technique's name, as the command line spells it ({@code emulated}, ...). */
    String name();

    /**
     * How the VM's disk and network interface are wired ({@link DeviceWiring}): asked once, as the
     * VM's devices are built on {@code host}, before {@link #attach}. Emulated devices reach the
     * VM's memory and interrupt controller ({@link DeviceWiring#STANDARD}); an assigned device
     * reaches them through the machine's IOMMU; a split driver's back end takes what the device
     * it drives raises.
     */
    default DeviceWiring wiring(Machine host) {
        return DeviceWiring.STANDARD;
    }

    /**
     * The VMM has just emulated one access of the guest to a device register (charged {@link
     * CoreEvent#DEVICE_EMULATION}): a technique whose device model's work runs elsewhere charges
     * the trip there here.
     */
    default void accessEmulated(VirtualMachine vm) {
    }

    /**
     * Whether the device models that serve the guest's emulated register accesses run in the VMM
     * itself, so that an access costs the model's work ({@link CoreEvent#DEVICE_EMULATION}) and
     * no trip elsewhere ({@link #accessEmulated} charges nothing). A binary translator may then
     * emulate a port access inside its translation cache, as VMware's VMM did for the devices it
     * emulated itself (Adams and Agesen 2006, section 3.2); a model in a driver domain or a host
     * process needs the trip, and the access a callout. The default, hypervisor-direct emulation,
     * says yes; a technique that overrides {@link #accessEmulated} with a trip must say no.
     */
    default boolean modelsRunInTheVmm() {
        return true;
    }

    /** Called once, when {@code vm} is made, after its devices exist and before anything is loaded. */
    default void attach(VirtualMachine vm) {
    }

    /**
     * World switch in: sets the machine's device side for {@code vm} (which device windows trap,
     * which are the guest's own). Called after the vCPU's binding has set the machine up.
     */
    default void activate(VirtualMachine vm) {
    }

    /** Called once, when {@code vm} is removed: give back what {@link #attach} took. */
    default void detach(VirtualMachine vm) {
    }

    /**
     * The events this technique charges, beyond the core's ({@link CoreEvent}); their names must
     * differ from every other event of the VM.
     */
    default List<VmmEvent> events() {
        return List.of();
    }

    /**
     * Hypervisor-direct device emulation, the VMM's behaviour when a VM is made without a device
     * technique: every access to a device register traps (the binding keeps every window
     * trapping), and the VMM's emulation of the instruction reaches the VM's own device models,
     * charged {@link CoreEvent#DEVICE_EMULATION}.
     */
    static DeviceVirtualization emulated() {
        return () -> "emulated";
    }

    /**
     * Why a VM of this technique cannot be captured and put back elsewhere, or empty if it can:
     * the devices' state is then all in the VM's board ({@link org.vmlab.machine.device.Board#state}).
     * A real device assigned to the guest, whose state the VMM cannot read, says what stops it.
     * The default: nothing.
     */
    default java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.empty();
    }
}
