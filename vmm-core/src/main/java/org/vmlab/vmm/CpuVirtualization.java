package org.vmlab.vmm;

import org.vmlab.machine.image.Image;

/**
 * The seam for CPU virtualization: how a VM's guest code runs deprivileged, and what the VMM does
 * when it traps or calls out. Trap-and-emulate, binary translation, paravirtualization and
 * hardware assistance each implement it; a {@link VirtualMachine} is built with one.
 */
public interface CpuVirtualization {
    /** The technique's name, as the command line spells it ({@code trap-emulate}, ...). */
    String name();

    /**
     * Whether the guest's own instructions run on the real CPU as they are, so that every tick the
     * real CPU counts during {@link #run} is a tick of the guest ({@link
     * VirtualMachine#guestTicksNow}): trap-and-emulate and paravirtualization, not binary
     * translation, whose translated code runs instructions of its own. A device the guest reaches
     * without an exit (one assigned to the VM) needs it, to act at the guest's tick.
     */
    default boolean guestRunsDirectly() {
        return false;
    }

    /**
     * Whether this technique runs its guest with the machine's hardware assistance (docs/isa.md,
     * "Hardware-assisted virtualization"): the machine must then have the {@code vt} feature.
     * Whoever builds the machine asks this (or {@link CpuTechnique#needsVt}), never the name.
     */
    default boolean needsVt() {
        return false;
    }

    /**
     * Whether this technique runs its guest with the processor's nested paging (EPT), so that a
     * memory technique that offers {@link MemoryVirtualization#nestedTranslation()} can work
     * with it. A VM of a nested memory technique and a CPU technique that does not is refused.
     */
    default boolean runsNestedPaging() {
        return false;
    }

    /**
     * Called once, when {@code vm} is made and before anything is loaded: register the handlers
     * of the exits this technique raises ({@link VirtualMachine#exitHandlers()}: a privileged
     * instruction, I/O, {@code hlt}, an exception or a system call, a technique's own exits) and
     * the hypercalls it serves ({@link VirtualMachine#hypercalls()}), and take what it needs of
     * the machine (a listener on its memory, say). The default registers nothing: a technique
     * whose guest never leaves it but for the timer and page faults needs nothing more.
     */
    default void attach(VirtualMachine vm) {
    }

    /**
     * Called after {@code image} was loaded into {@code vm}'s memory ({@link VirtualMachine#load}),
     * the vCPU at its entry, before the guest runs: a technique whose guest expects more than the
     * bare machine's loader gives (Xen's domain builder: its memory all backed, a start-info
     * page, registers set) does it here. The default does nothing more.
     */
    default void loaded(VirtualMachine vm, Image image) {
    }

    /**
     * World switch in: {@code vm}'s vCPU is about to be loaded on the real CPU, which its
     * {@link #binding()} has just set up. The default does nothing more.
     */
    default void activate(VirtualMachine vm) {
    }

    /**
     * Called once, when {@code vm} is removed from its hypervisor: give back whatever
     * {@link #attach} or a run took of the machine. The default gives back nothing.
     */
    default void detach(VirtualMachine vm) {
    }

    /**
     * A page-fault exit of this technique's guest, at {@code exit.pc()}, was just judged by memory
     * virtualization ({@code outcome}); the core acts on it next (the vCPU is still at the
     * faulting instruction). A technique that adapts its code to what keeps trapping learns it
     * here: binary translation retranslates a store that keeps writing traced page tables
     * (Adams and Agesen 2006, section 3.2, "adaptive binary translation"). The default ignores it.
     */
    default void pageFaultExit(VirtualMachine vm, Exit.PageFault exit, PageFaultOutcome outcome) {
    }

    /**
     * Memory virtualization traced a write of the guest's as it landed (shadow paging: a write to a
     * page table a shadow was built from), the VMM emulating the instruction at the vCPU's pc.
     * Binary translation hears here whether a store it calls out for still writes traced memory.
     * The default ignores it.
     */
    default void writeTraced(VirtualMachine vm) {
    }

    /**
     * Runs the guest of {@code vm}, whose vCPU is loaded on the real CPU, for at most
     * {@code budget} guest instructions, and retires on the vCPU the instructions it ran.
     *
     * @return why control came back; an {@link Exit.Timer} when the budget was spent
     */
    Exit run(VirtualMachine vm, long budget);

    /**
     * How this technique's vCPUs meet the real CPU. The default is {@link RingCompression}: the
     * guest kernel deprivileged to ring 1, every trap the VMM's.
     */
    default VcpuBinding binding() {
        return RingCompression.INSTANCE;
    }

    /**
     * Delivers the virtual interrupt {@code vector}, which the VM's interrupt controller has just
     * acknowledged, into the guest. The default delivers it as the guest's hardware would, through
     * the guest's interrupt table ({@link VirtualTraps#deliver}); a paravirtual technique raises
     * an event for the guest's callback instead, a hardware-assisted one injects it on VM entry.
     */
    default void inject(VirtualMachine vm, int vector) {
        vm.traps().deliver(vector, 0, vm.vcpu().pc());
    }

    /**
     * The events this technique charges, beyond the core's ({@link CoreEvent}): each with its
     * default cost and the source of that figure. Their names must differ from every other event
     * of the VM.
     */
    default java.util.List<VmmEvent> events() {
        return java.util.List.of();
    }

    /**
     * The guest's event channels, as a back end in domain 0 reaches them ({@link DomainEvents}),
     * if this technique's guests have any: a paravirtual technique's do. A split driver's back end
     * connects to the guest's front end through them. The default has none.
     */
    default java.util.Optional<DomainEvents> domainEvents() {
        return java.util.Optional.empty();
    }

    /**
     * Why a VM of this technique cannot be captured ({@link VirtualMachine#capture}) and put back
     * elsewhere (a snapshot's restore, a migration), or empty if it can: everything the guest
     * relies on is then in its vCPU, memory and devices, and what the technique keeps besides
     * (translations, a VMCS) it rebuilds from them on the VM it is attached to. A technique with
     * state of the guest's own (a paravirtual guest's registered trap table and event channels)
     * says what stops it. The default: nothing.
     */
    default java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.empty();
    }

    /**
     * True if, between two runs of the guest, the technique holds nothing of the guest's that is
     * in flight: no event to inject at the next entry, say. A capture waits for such a point
     * ({@link VirtualMachine#settle}). The default: always.
     */
    default boolean settled(VirtualMachine vm) {
        return true;
    }
}
