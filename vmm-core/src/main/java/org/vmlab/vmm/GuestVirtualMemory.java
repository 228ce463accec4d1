package org.vmlab.vmm;

import org.vmlab.machine.Fault;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;

/**
 * Guest-virtual memory as the VMM touches it on the guest's behalf: when it delivers a trap onto
 * the guest's kernel stack, pops an {@code iret} frame, or emulates a load or store. Each access
 * is translated through the guest's own page tables (when the guest has paging on) and checked as
 * the guest's hardware would check it, raising the same page fault; then it goes to guest RAM or,
 * beyond RAM, to the VM's emulated memory-mapped devices.
 */
public final class GuestVirtualMemory {
    private final Vcpu vcpu;
    private final GuestPhysicalMemory memory;
    private final Board devices;
    private PageTableFrames frames = PageTableFrames.GUEST_PHYSICAL;
    private GuestPageWalker walker;

    public GuestVirtualMemory(Vcpu vcpu, GuestPhysicalMemory memory, Board devices) {
        this.vcpu = vcpu;
        this.memory = memory;
        this.walker = new GuestPageWalker(memory);
        this.devices = devices;
    }

    /** The walker of the guest's page tables, as {@link #setPageTableFrames} says they name frames. */
    public GuestPageWalker walker() {
        return walker;
    }

    /**
     * What the guest's page tables and cr3 name from now on, and which frames it may write with
     * paging off: a memory technique under which they name machine frames (direct paging) says
     * so when it is attached. By default, guest-physical frames, all writable.
     */
    public void setPageTableFrames(PageTableFrames frames) {
        this.frames = frames;
        this.walker = new GuestPageWalker(memory, frames);
    }

    /**
     * The guest-physical address of {@code va} for an access from guest ring {@code ring},
     * setting accessed and dirty bits as the guest's hardware would.
     *
     * @throws Fault the guest's page fault
     */
    public int translate(int va, int access, int ring) {
        if (!vcpu.pagingEnabled()) {
            if (access == Mmu.WRITE && memory.isRam(va) && !frames.writableWithPagingOff(va >>> 12)) {
                throw new Fault(Vector.PAGE_FAULT, Vector.PF_PRESENT | Vector.PF_WRITE
                        | (ring == 3 ? Vector.PF_USER : 0), va);
            }
            return va;
        }
        return walker.walk(va, access, ring, vcpu.controlRegister(Registers.CR3),
                writeProtect(), true).gpa();
    }

    /** The instruction word at {@code va} as the guest in its current ring fetches it; sets no bits. */
    public int fetch(int va) {
        return memory.readWord(physicalAddressOfCode(va));
    }

    /**
     * The guest-physical address from which the guest in its current ring would fetch the
     * instruction at {@code va}; sets no bits.
     *
     * @throws Fault the fault the guest's fetch would raise
     */
    public int physicalAddressOfCode(int va) {
        if ((va & 3) != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        int gpa = vcpu.pagingEnabled()
                ? walker.walk(va, Mmu.FETCH, vcpu.virtualRing(), vcpu.controlRegister(Registers.CR3),
                        writeProtect(), false).gpa()
                : va;
        if (!memory.isRam(gpa)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return gpa;
    }

    public int readWord(int va, int ring) {
        checkAligned(va);
        int gpa = translate(va, Mmu.READ, ring);
        return memory.isRam(gpa) ? memory.readWord(gpa) : deviceRead(gpa);
    }

    public void writeWord(int va, int value, int ring) {
        checkAligned(va);
        int gpa = translate(va, Mmu.WRITE, ring);
        if (memory.isRam(gpa)) {
            memory.writeWord(gpa, value);
        } else {
            deviceWrite(gpa, value);
        }
    }

    /**
     * A word of a trap frame, written by ring 0 as the hardware pushes it: only into RAM, else the
     * #GP that bare metal raises for a kernel stack outside memory.
     */
    public void writeFrameWord(int va, int value) {
        checkAligned(va);
        int gpa = translate(va, Mmu.WRITE, 0);
        if (!memory.isRam(gpa)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        memory.writeWord(gpa, value);
    }

    public int readByte(int va, int ring) {
        int gpa = translate(va, Mmu.READ, ring);
        if (memory.isRam(gpa)) {
            return memory.readByte(gpa);
        }
        return (deviceRead(gpa) >>> ((gpa & 3) << 3)) & 0xFF;
    }

    public void writeByte(int va, int value, int ring) {
        int gpa = translate(va, Mmu.WRITE, ring);
        if (memory.isRam(gpa)) {
            memory.writeByte(gpa, value);
        } else {
            deviceWrite(gpa, value & 0xFF);
        }
    }

    private boolean writeProtect() {
        return (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0;
    }

    private int deviceRead(int gpa) {
        devices.clock().advanceTo(vcpu.ticks());
        return devices.mmio().read(gpa);
    }

    private void deviceWrite(int gpa, int value) {
        devices.clock().advanceTo(vcpu.ticks());
        devices.mmio().write(gpa, value);
    }

    private static void checkAligned(int va) {
        if ((va & 3) != 0) {
            throw new Fault(Vector.ALIGNMENT_CHECK, 0, va);
        }
    }
}
