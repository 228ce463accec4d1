package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;
import static org.vmlab.machine.Bench.rrr;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmInstructionError;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;

/**
 * Nested paging in the vt feature's non-root mode (docs/isa.md, "Nested paging"): with "enable
 * EPT" every guest access goes through the nested tables, a nested refusal exits with reason 48
 * and the SDM's qualification and addresses, a guest page fault stays the guest's; with "enable
 * VPID" the guest's TLB entries survive exits and entries.
 *
 * <p>Guest-physical layout: the bench's low 64 KiB (interrupt table, handlers, code, stacks) and
 * the guest's page tables at 0x40000 are machine memory at the same address; guest-physical
 * {@link #DATA_GPA} is machine {@link #DATA_MACHINE}; the VMCS page is not mapped at all. The
 * guest's own tables identity-map its low 64 KiB and map {@link #DATA_VA} to {@link #DATA_GPA}.
 */
class VtNestedPagingTest {
    private static final int NESTED_DIR = 0x20000;
    private static final int NESTED_TABLE = 0x21000;
    private static final int GUEST_DIR = 0x40000;
    private static final int DATA_GPA = 0x30000;
    private static final int DATA_MACHINE = 0x50000;
    private static final int DATA_VA = 0x0040_0000;
    private static final int RWX = NestedPte.PERMISSIONS;
    private static final int VPID = 7;
    private static final int LINEAR_VALID = NestedPageViolation.LINEAR_VALID;
    private static final int FINAL = NestedPageViolation.FINAL_TRANSLATION;

    private final VtBench vt = VtBench.classic();
    private final PhysicalMemory machine = vt.bench.machine.memory();
    private final Mmu mmu = vt.bench.machine.mmu();
    private PageTables guestTables;

    /** Turns on EPT, the nested tables as the class says, and the guest's paging if {@code paging}. */
    private VtNestedPagingTest ept(boolean paging) {
        machine.writeWord(NESTED_DIR, NestedPte.of(NESTED_TABLE, RWX));
        for (int gpa = 0; gpa < 0x10000; gpa += PhysicalMemory.PAGE_SIZE) {
            nested(gpa, gpa, RWX);
        }
        for (int gpa = GUEST_DIR; gpa < GUEST_DIR + 0x10000; gpa += PhysicalMemory.PAGE_SIZE) {
            nested(gpa, gpa, RWX);
        }
        nested(DATA_GPA, DATA_MACHINE, RWX);
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS);
        vt.control(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, VmxControls.SECONDARY_ENABLE_EPT);
        vt.set(VmcsField.EPT_POINTER, NESTED_DIR);
        if (paging) {
            guestTables = new PageTables(machine, GUEST_DIR, GUEST_DIR + 0x1000);
            guestTables.identity(0, 0x10000, Pte.PRESENT | Pte.WRITABLE);
            guestTables.map(DATA_VA, DATA_GPA, Pte.PRESENT | Pte.WRITABLE);
            vt.set(VmcsField.GUEST_CR0, Registers.CR0_PG).set(VmcsField.GUEST_CR3, GUEST_DIR);
        }
        return this;
    }

    private VtNestedPagingTest vpid(int vpid) {
        vt.control(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, VmxControls.SECONDARY_ENABLE_VPID);
        vt.set(VmcsField.VIRTUAL_PROCESSOR_ID, vpid);
        return this;
    }

    private void nested(int gpa, int machineAddress, int permissions) {
        machine.writeWord(NESTED_TABLE + 4 * (gpa >>> 12), NestedPte.of(machineAddress, permissions));
    }

    private static int lw(int rd, int base, int offset) {
        return i(Opcode.LW, rd, base, 0, offset & 0xFFFF);
    }

    private static int sw(int rs, int base, int offset) {
        return i(Opcode.SW, rs, base, 0, offset & 0xFFFF);
    }

    private void assertExit(StopReason stop, VmExitReason reason, int pc) {
        assertThat(stop).as(vt.cpu().stopDetail()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).as("exit reason").isEqualTo(reason.number());
        assertThat(vt.guestPc()).as("guest pc").isEqualTo(pc);
        assertThat(mmu.nestedPaging()).as("root mode translates without nesting").isFalse();
    }

    private void assertViolation(int qualification, int guestPhysical, int guestLinear) {
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).as("qualification").isEqualTo(qualification);
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).as("guest-physical").isEqualTo(guestPhysical);
        assertThat(vt.get(VmcsField.GUEST_LINEAR_ADDRESS)).as("guest-linear").isEqualTo(guestLinear);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
    }

    @Test
    void aGuestWithPagingOnReachesMachineMemoryThroughBothDimensions() {
        ept(true);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), rri(Opcode.ADDI, 2, 0, 42));
        vt.code(sw(2, 1, 8), lw(3, 1, 8));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, call);
        assertThat(vt.r(3)).isEqualTo(42);
        assertThat(machine.readWord(DATA_MACHINE + 8)).as("the machine frame").isEqualTo(42);
        assertThat(machine.readWord(DATA_GPA + 8)).as("not the guest-physical address").isZero();
        assertThat(machine.readWord(guestTables.pteAddress(DATA_VA)) & Pte.DIRTY).as("guest dirty").isNotZero();
        assertThat(machine.readWord(NESTED_TABLE + 4 * (DATA_GPA >>> 12)) & NestedPte.DIRTY)
                .as("nested dirty").isNotZero();
        assertThat(vt.get(VmcsField.GUEST_CR3)).as("the guest's cr3 is guest-physical").isEqualTo(GUEST_DIR);
        assertThat(mmu.nestedWalks()).as("the code page and the data page").isEqualTo(2);
        assertThat(mmu.nestedWalkReferences()).as("8 per walk, (n+1)(m+1)-1").isEqualTo(16);
        assertThat(mmu.walks()).isZero();
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).as("only EPT violations set it").isZero();
    }

    @Test
    void aGuestWithPagingOffHasItsPhysicalAddressesTranslatedByTheNestedTables() {
        ept(false);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_GPA >>> 16), rri(Opcode.ADDI, 2, 0, 42), sw(2, 1, 0));
        int load = vt.code(lw(3, 1, 0x1000));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, load);
        assertThat(machine.readWord(DATA_MACHINE)).isEqualTo(42);
        assertViolation(NestedPageViolation.DATA_READ | LINEAR_VALID | FINAL, DATA_GPA + 0x1000, DATA_GPA + 0x1000);
        assertThat(mmu.nestedWalkReferences()).as("m = 2 per walk").isEqualTo(2 * mmu.nestedWalks());
    }

    @Test
    void aDataReadTheNestedTablesDoNotMapExitsBeforeTheInstruction() {
        ept(true);
        guestTables.map(DATA_VA + 0x1000, DATA_GPA + 0x1000, Pte.PRESENT | Pte.WRITABLE);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16));
        int load = vt.code(lw(3, 1, 0x1004));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, load);
        assertViolation(NestedPageViolation.DATA_READ | LINEAR_VALID | FINAL, DATA_GPA + 0x1004, DATA_VA + 0x1004);
        assertThat(vt.cpu().instructions()).as("the load did not retire").isEqualTo(1);
        assertThat(vt.cpu().vectorCount(Vector.PAGE_FAULT)).isZero();
        assertThat(mmu.nestedViolations()).isEqualTo(1);
    }

    @Test
    void aWriteToANestedReadOnlyPageExitsAndGoesOnOnceTheMonitorGrantsIt() {
        ept(true);
        nested(DATA_GPA, DATA_MACHINE, NestedPte.READ | NestedPte.EXECUTE);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), rri(Opcode.ADDI, 2, 0, 5));
        int store = vt.code(sw(2, 1, 0));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, store);
        assertViolation(NestedPageViolation.DATA_WRITE | (NestedPte.READ | NestedPte.EXECUTE) << 3
                | LINEAR_VALID | FINAL, DATA_GPA, DATA_VA);
        assertThat(machine.readWord(DATA_MACHINE)).isZero();

        nested(DATA_GPA, DATA_MACHINE, RWX);
        assertExit(vt.resume(), VmExitReason.VMCALL, call);
        assertThat(machine.readWord(DATA_MACHINE)).isEqualTo(5);
    }

    @Test
    void aFetchFromANestedNonExecutablePageExitsWithPcOnTheTarget() {
        ept(true);
        int target = DATA_VA + 0x2000;
        guestTables.map(target, DATA_GPA + 0x2000, Pte.PRESENT | Pte.WRITABLE);
        nested(DATA_GPA + 0x2000, DATA_MACHINE + 0x2000, NestedPte.READ | NestedPte.WRITE);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), rri(Opcode.ADDI, 1, 1, 0x2000), i(Opcode.JR, 0, 1, 0, 0));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, target);
        assertViolation(NestedPageViolation.FETCH | (NestedPte.READ | NestedPte.WRITE) << 3 | LINEAR_VALID | FINAL,
                DATA_GPA + 0x2000, target);
    }

    @Test
    void aGuestPageTableTheNestedTablesDoNotMapExitsWithoutTheFinalTranslationBit() {
        ept(true);
        int va = 0x0080_0000;
        int unmappedTable = 0x38000;
        machine.writeWord(GUEST_DIR + 4 * (va >>> 22), unmappedTable | Pte.PRESENT | Pte.WRITABLE);
        vt.code(rri(Opcode.LUI, 1, 0, va >>> 16));
        int load = vt.code(lw(3, 1, 0x10));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, load);
        assertViolation(NestedPageViolation.DATA_READ | LINEAR_VALID, unmappedTable, va + 0x10);
    }

    @Test
    void aGuestPageFaultGoesThroughTheGuestsTableWithoutAnExit() {
        ept(true);
        int va = 0x00C0_0000;
        vt.code(rri(Opcode.LUI, 1, 0, va >>> 16), lw(3, 1, 0));

        // the guest's handler records the vector and halts with IF = 0: only then an exit (HLT)
        assertExit(vt.launch(), VmExitReason.HLT, Bench.HANDLERS + 8 * Vector.PAGE_FAULT + 4);
        assertThat(vt.r(13)).isEqualTo(Vector.PAGE_FAULT + Bench.TRAPPED);
        assertThat(vt.get(VmcsField.GUEST_CR2)).isEqualTo(va);
        assertThat(mmu.pageFaults()).isEqualTo(1);
    }

    @Test
    void withPageFaultsInTheExceptionBitmapAGuestPageFaultExits() {
        ept(true);
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.PAGE_FAULT);
        int va = 0x00C0_0000;
        vt.code(rri(Opcode.LUI, 1, 0, va >>> 16));
        int load = vt.code(lw(3, 1, 0));

        assertExit(vt.launch(), VmExitReason.EXCEPTION_OR_NMI, load);
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(va);
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).isZero();
    }

    @Test
    void aViolationDeliveringAGuestPageFaultLeavesItInTheIdtVectoringInformation() {
        ept(true);
        nested(0, 0, 0);   // the page of the interrupt table
        int va = 0x00C0_0000;
        vt.code(rri(Opcode.LUI, 1, 0, va >>> 16));
        int load = vt.code(lw(3, 1, 0));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, load);
        int gate = Bench.IDT + 4 * Vector.PAGE_FAULT;
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).isEqualTo(NestedPageViolation.DATA_READ | LINEAR_VALID | FINAL);
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).as("the gate").isEqualTo(gate);
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isZero();
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO)).isEqualTo(
                VmxControls.interruptionInfo(Vector.PAGE_FAULT, VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        assertThat(vt.get(VmcsField.IDT_VECTORING_ERROR_CODE)).as("not present, read, ring 0").isZero();

        nested(0, 0, RWX);   // the monitor maps it: the load runs again and faults again, in the guest
        assertExit(vt.resume(), VmExitReason.HLT, Bench.HANDLERS + 8 * Vector.PAGE_FAULT + 4);
        assertThat(vt.r(13)).isEqualTo(Vector.PAGE_FAULT + Bench.TRAPPED);
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO)).as("other exits clear it").isZero();
    }

    @Test
    void aViolationDeliveringAnIntKeepsPcOnItWithItsLength() {
        ept(true);
        nested(0, 0, 0);
        int call = vt.code(i(Opcode.INT, 0, 0, 0, 0x40));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, call);
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO))
                .isEqualTo(VmxControls.interruptionInfo(0x40, VmxControls.TYPE_SOFTWARE_INTERRUPT, false));
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
        assertThat(vt.cpu().instructions()).as("the int did not retire").isZero();
    }

    @Test
    void aPageFaultInTheBitmapMetDeliveringAnIntExitsWithTheIntInTheIdtVectoringInformation() {
        ept(true);
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.PAGE_FAULT);
        int unmapped = 0x00C0_0000;
        vt.code(rri(Opcode.LUI, Registers.SP, 0, unmapped >>> 16));   // a kernel stack the guest's tables lack
        int call = vt.code(i(Opcode.INT, 0, 0, 0, 0x40));

        assertExit(vt.launch(), VmExitReason.EXCEPTION_OR_NMI, call);
        assertThat(vt.get(VmcsField.VM_EXIT_INTERRUPTION_INFO)).as("the page fault")
                .isEqualTo(VmxControls.interruptionInfo(Vector.PAGE_FAULT, VmxControls.TYPE_HARDWARE_EXCEPTION, true));
        assertThat(vt.get(VmcsField.EXIT_QUALIFICATION)).as("the first word pushed").isEqualTo(unmapped - 4);
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO)).as("the int, not a double fault")
                .isEqualTo(VmxControls.interruptionInfo(0x40, VmxControls.TYPE_SOFTWARE_INTERRUPT, false));
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isEqualTo(4);
        assertThat(vt.get(VmcsField.GUEST_SP)).isEqualTo(unmapped);
        assertThat(vt.get(VmcsField.GUEST_CR2)).as("an exiting page fault leaves cr2 alone").isZero();
        assertThat(vt.cpu().instructions()).as("the lui retired, the int did not").isEqualTo(1);
    }

    @Test
    void aPageFaultInTheBitmapMetDeliveringAFaultExitsWithTheFaultInTheIdtVectoringInformation() {
        ept(true);
        vt.set(VmcsField.EXCEPTION_BITMAP, 1 << Vector.PAGE_FAULT);
        vt.code(rri(Opcode.LUI, Registers.SP, 0, 0x00C0));
        int divide = vt.code(rrr(Opcode.DIV, 3, 3, 0));   // r0 is zero: #DE

        assertExit(vt.launch(), VmExitReason.EXCEPTION_OR_NMI, divide);
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO))
                .isEqualTo(VmxControls.interruptionInfo(Vector.DIVIDE_ERROR, VmxControls.TYPE_HARDWARE_EXCEPTION, false));
        assertThat(vt.get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH)).isZero();
    }

    @Test
    void withoutPageFaultsInTheBitmapTheSameFaultIsTheGuestsDoubleFault() {
        ept(true);
        vt.code(rri(Opcode.LUI, Registers.SP, 0, 0x00C0), i(Opcode.INT, 0, 0, 0, 0x40));

        assertExit(vt.launch(), VmExitReason.TRIPLE_FAULT, Bench.CODE + 4);   // the #DF's frame cannot be pushed either
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO)).isZero();
    }

    @Test
    void aViolationDeliveringAnInjectedInterruptExitsAtOnceWithTheEvent() {
        ept(true);
        nested(0, 0, 0);
        int info = VmxControls.interruptionInfo(0x30, VmxControls.TYPE_EXTERNAL_INTERRUPT, false);
        vt.set(VmcsField.VM_ENTRY_INTERRUPTION_INFO, info);
        vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, Bench.CODE);
        assertThat(vt.get(VmcsField.IDT_VECTORING_INFO)).as("for the monitor to inject again").isEqualTo(info);
        assertThat(vt.get(VmcsField.GUEST_PHYSICAL_ADDRESS)).isEqualTo(Bench.IDT + 4 * 0x30);
    }

    @Test
    void aDeviceAddressTheNestedTablesDoNotMapExitsForTheMonitorToEmulate() {
        ept(false);
        int mmio = 0xFEC0_0000;   // beyond RAM, where a device window would be
        vt.code(rri(Opcode.LUI, 1, 0, mmio >>> 16));
        int store = vt.code(sw(2, 1, 0x10));

        assertExit(vt.launch(), VmExitReason.EPT_VIOLATION, store);
        assertViolation(NestedPageViolation.DATA_WRITE | LINEAR_VALID | FINAL, mmio + 0x10, mmio + 0x10);
    }

    @Test
    void aGuestPhysicalPageTheNestedTablesMapToADeviceWindowReachesTheDevice() {
        ept(false);
        int window = 0x60000;   // guest-physical, assigned the NIC's registers
        nested(window, NetworkInterface.BASE, NestedPte.READ | NestedPte.WRITE);
        vt.code(rri(Opcode.LUI, 1, 0, window >>> 16), rri(Opcode.ADDI, 2, 0, NetworkInterface.CAUSE_RX));
        vt.code(sw(2, 1, NetworkInterface.IMS), lw(3, 1, NetworkInterface.IMS));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, call);
        assertThat(vt.r(3)).as("the device's register, read back").isEqualTo(NetworkInterface.CAUSE_RX);
        assertThat(machine.readWord(window + NetworkInterface.IMS)).as("not RAM").isZero();
    }

    @Test
    void withVpidTheGuestsEntriesSurviveAnExitAndTheNextEntry() {
        ept(true).vpid(VPID);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), lw(3, 1, 0), i(Opcode.VMCALL));
        int second = vt.code(lw(4, 1, 0));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, second - 4);
        long walks = mmu.nestedWalks();
        long flushes = mmu.tlb().flushes();
        assertThat(mmu.tlb().validEntries(VPID)).as("the guest's entries, tagged").isEqualTo(2);

        assertExit(vt.skipAndResume(), VmExitReason.VMCALL, call);
        assertThat(mmu.nestedWalks()).as("code and data hit after re-entry").isEqualTo(walks);
        assertThat(mmu.tlb().flushes()).isEqualTo(flushes);
    }

    @Test
    void withoutVpidEntryAndExitFlushTheTlb() {
        ept(true);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), lw(3, 1, 0), i(Opcode.VMCALL));
        int second = vt.code(lw(4, 1, 0));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, second - 4);
        long walks = mmu.nestedWalks();
        assertThat(mmu.tlb().validEntries()).as("flushed at the exit").isZero();

        assertExit(vt.skipAndResume(), VmExitReason.VMCALL, call);
        assertThat(mmu.nestedWalks()).as("code and data walked again").isEqualTo(walks + 2);
    }

    @Test
    void invlpgInNonRootModeDropsTheGuestsEntryWithoutExiting() {
        ept(true).vpid(VPID);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_VA >>> 16), lw(3, 1, 0), i(Opcode.INVLPG, 0, 1, 0, 0), lw(4, 1, 0));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, call);
        assertThat(mmu.nestedWalks()).as("code, data, data again after invlpg").isEqualTo(3);
        assertThat(vt.cpu().vectorCount(Vector.PAGE_FAULT)).isZero();
    }

    @Test
    void entryChecksRefuseVpidZeroAndABadEptPointer() {
        ept(true).vpid(0);
        vt.code(i(Opcode.VMCALL));
        assertEntryFailsWithInvalidControls();

        vt.set(VmcsField.VIRTUAL_PROCESSOR_ID, VPID);
        vt.set(VmcsField.EPT_POINTER, NESTED_DIR | 0x10);
        assertEntryFailsWithInvalidControls();

        vt.set(VmcsField.EPT_POINTER, 1 << 24);   // beyond the 1 MiB of RAM
        assertEntryFailsWithInvalidControls();

        vt.set(VmcsField.EPT_POINTER, NESTED_DIR);
        vt.control(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, 1);   // reserved
        assertEntryFailsWithInvalidControls();

        vt.set(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS,
                VmxControls.SECONDARY_ENABLE_EPT | VmxControls.SECONDARY_ENABLE_VPID);
        assertThat(vt.launch()).isEqualTo(StopReason.VM_EXIT);
    }

    private void assertEntryFailsWithInvalidControls() {
        assertThat(vt.launch()).isEqualTo(StopReason.VM_ENTRY_FAILED);
        assertThat(vt.get(VmcsField.VM_INSTRUCTION_ERROR)).isEqualTo(VmInstructionError.ENTRY_INVALID_CONTROL_FIELDS);
        assertThat(vt.cpu().inNonRootMode()).isFalse();
    }

    @Test
    void secondaryControlsAreIgnoredUnlessActivated() {
        vt.set(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, VmxControls.SECONDARY_ENABLE_EPT | 1);
        vt.set(VmcsField.EPT_POINTER, 0x123);
        vt.code(rri(Opcode.LUI, 1, 0, DATA_GPA >>> 16), rri(Opcode.ADDI, 2, 0, 9), sw(2, 1, 0));
        int call = vt.code(i(Opcode.VMCALL));

        assertExit(vt.launch(), VmExitReason.VMCALL, call);
        assertThat(machine.readWord(DATA_GPA)).as("no nested paging: physical is machine").isEqualTo(9);
        assertThat(mmu.nestedWalks()).isZero();
    }

    @Test
    void theNewFieldsHaveTheSdmsEncodings() {
        assertThat(VmcsField.fromEncoding(0x401E)).isEqualTo(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS);
        assertThat(VmcsField.fromEncoding(0x201A)).isEqualTo(VmcsField.EPT_POINTER);
        assertThat(VmcsField.fromEncoding(0x0000)).isEqualTo(VmcsField.VIRTUAL_PROCESSOR_ID);
        assertThat(VmcsField.fromEncoding(0x4408)).isEqualTo(VmcsField.IDT_VECTORING_INFO);
        assertThat(VmcsField.fromEncoding(0x440A)).isEqualTo(VmcsField.IDT_VECTORING_ERROR_CODE);
        assertThat(VmcsField.IDT_VECTORING_INFO.readOnly()).isTrue();
        assertThat(VmcsField.GUEST_PHYSICAL_ADDRESS.readOnly()).isTrue();
        assertThat(VmxControls.SECONDARY_ENABLE_EPT).isEqualTo(1 << 1);
        assertThat(VmxControls.SECONDARY_ENABLE_VPID).isEqualTo(1 << 5);
        assertThat(VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS).isEqualTo(1 << 31);
        assertThat(VmExitReason.of(48)).isEqualTo(VmExitReason.EPT_VIOLATION);
    }
}
