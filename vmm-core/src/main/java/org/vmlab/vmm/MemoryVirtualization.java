package org.vmlab.vmm;

/**
 * The seam for memory virtualization: how the real MMU comes to translate the guest's virtual
 * addresses to machine addresses that the VMM handed out, while the guest believes it manages its
 * own page tables over its own physical memory. Shadow paging, the paravirtual MMU and nested
 * paging each implement it.
 *
 * <p>What the p2m ({@link GuestPhysicalMemory}) asks of a technique that maps guest frames for the
 * guest's direct accesses: map a frame writable only if {@link GuestPhysicalMemory#isWritable}
 * says so (as the guest's own tables allow); map a shared frame ({@link GuestPhysicalMemory#isShared},
 * or {@link MachineFrames#isShared} of its machine frame) read-only, and when the guest's write
 * to it faults, take {@link GuestPhysicalMemory#machineFrameForWrite} (which breaks the sharing)
 * before mapping it writable; never map a ballooned frame ({@link GuestPhysicalMemory#machineFrame}
 * refuses it, and the VM stops). Listen to the p2m ({@link GuestPhysicalMemory#addListener}) and
 * drop every mapping of a machine frame that a guest frame no longer uses, or that became shared,
 * when {@link GuestPhysicalMemory.ChangeListener#p2mChanged} says so: the p2m may change between
 * slices (page sharing, ballooning) and under the VMM's and devices' writes (copy-on-write
 * breaks). Writes by the VMM and by DMA break sharing by themselves.
 */
public interface MemoryVirtualization {
    /** The technique's name, as the command line spells it ({@code shadow}, ...). */
    String name();

    /**
     * Prepares to virtualize {@code vm}'s memory; called once, as the VM is built, before anything
     * is loaded into its memory.
     */
    void attach(VirtualMachine vm);

    /** World switch in: points the real MMU at this VM's current translation. */
    void activate();

    /**
     * The guest wrote control register {@code cr} (cr0 or cr3; the vCPU already holds the new
     * value): follow it, e.g. switch to the shadow of the new address space.
     */
    void controlRegisterWritten(int cr);

    /** The guest invalidated the translation of {@code va} ({@code invlpg}). */
    void invalidatePage(int va);

    /** A page-fault exit: whose fault it is, and what the VMM has done about it. */
    PageFaultOutcome pageFault(Exit.PageFault exit);

    /**
     * Called once, when the VM is removed from its hypervisor: give back the machine frames the
     * technique took for itself (shadow page tables, say). The VM's own frames go back with it.
     */
    default void detach() {
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
     * Whether this technique gives its one VM the whole machine: no memory virtualization, guest
     * physical is machine physical. The machine must then have exactly the VM's memory, and run no
     * other VM. The command line and the tests size the machine by this, never by a name.
     */
    default boolean ownsTheMachine() {
        return false;
    }

    /**
     * Whether the guest's switches of address space ({@code mtcr cr3}, and its reads of cr3) and
     * its {@code invlpg} must reach this technique, because the real MMU walks tables of the
     * technique's own that follow the guest's (shadow paging). A hardware-assisted CPU technique
     * makes them exit only if so (CR3-load, CR3-store and INVLPG exiting); otherwise the guest's
     * cr3 is the real MMU's. The default is the safe answer, yes.
     */
    default boolean needsAddressSpaceExits() {
        return true;
    }

    /**
     * Whether the guest's page faults must reach the VMM before the guest's handler: hidden faults
     * that fill a shadow, or accesses to device registers that the VMM emulates. A hardware-assisted
     * CPU technique then sets #PF in its exception bitmap. The default is yes.
     */
    default boolean needsPageFaultExits() {
        return true;
    }

    /**
     * The nested tables, if this technique has the processor compose guest-physical to machine
     * translation itself (nested paging): a hardware-assisted CPU technique then enables EPT with
     * them and routes every EPT violation to them. Empty for a technique whose translation the
     * real MMU walks as one set of tables (shadow paging, the paravirtual MMU, identity paging).
     */
    default java.util.Optional<NestedTranslation> nestedTranslation() {
        return java.util.Optional.empty();
    }

    /**
     * Why a VM of this technique cannot be captured and put back elsewhere, or empty if it can:
     * the technique's tables (shadows, nested tables) are then rebuilt from the guest's memory and
     * cr3 on the VM it is attached to. A technique whose guest names machine frames (direct
     * paging), or that gives the guest the machine's own memory, says what stops it. The default:
     * nothing.
     */
    default java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.empty();
    }

    /**
     * The VM's state was just put back ({@link VirtualMachine#restore}), the VM switched out: take
     * the guest's control registers as they are now (paging on or off, cr3), as after an emulated
     * write of cr0 and cr3, without touching the machine; {@link #activate} loads what is derived
     * at the next world switch in. The default derives nothing.
     */
    default void restored() {
    }

    /**
     * The technique's dirty logging ({@link DirtyLog}), for live migration's pre-copy; empty for a
     * technique that cannot catch the guest's stores, which then cannot be migrated live. The
     * default: none.
     */
    default java.util.Optional<DirtyLog> dirtyLog() {
        return java.util.Optional.empty();
    }
}
