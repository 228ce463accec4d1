package org.vmlab.vmm;

import org.vmlab.asm.Disassembler;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Fault;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A VM as a side of a lockstep comparison: it runs as its VMM runs it, a slice at a time
 * ({@link VirtualMachine#runSlice}), switched in for the whole comparison, so its hypervisor runs
 * no other VM meanwhile. Its state is the vCPU's, as the guest would see it on bare metal.
 */
final class VirtualMachineSide implements LockstepSide {
    private final VirtualMachine vm;
    private final Disassembler disassembler = new Disassembler();

    VirtualMachineSide(VirtualMachine vm) {
        this.vm = vm;
    }

    @Override
    public String name() {
        return "the VM";
    }

    @Override
    public String label() {
        return "virtual";
    }

    @Override
    public void begin() {
        vm.switchIn();
    }

    @Override
    public void end() {
        vm.switchOut();
    }

    @Override
    public void run(long instructions) {
        vm.runSlice(instructions);
    }

    @Override
    public long instructions() {
        return vm.vcpu().instructions();
    }

    @Override
    public boolean stopped() {
        return vm.stopped();
    }

    @Override
    public StopReason stopReason() {
        return vm.vcpu().stopReason();
    }

    @Override
    public long fuel() {
        return vm.config().fuel();
    }

    @Override
    public int pc() {
        return vm.vcpu().pc();
    }

    @Override
    public CpuSnapshot state() {
        return vm.vcpu().snapshot();
    }

    @Override
    public RunResult result() {
        return vm.result();
    }

    @Override
    public String instructionAt(int pc) {
        try {
            return disassembler.disassemble(vm.guestMemory().fetch(pc), pc, vm.symbols());
        } catch (Fault f) {
            return "?";
        }
    }

    @Override
    public SymbolTable symbols() {
        return vm.symbols();
    }

    @Override
    public int memoryBytes() {
        return vm.memory().size();
    }

    @Override
    public int memoryWord(int address) {
        GuestPhysicalMemory memory = vm.memory();
        // a ballooned frame counts as zeros, as in the digest
        return memory.isBallooned(address >>> PhysicalMemory.PAGE_SHIFT) ? 0 : memory.readWord(address);
    }
}
