package org.vmlab.cpu;

import org.vmlab.machine.isa.Instruction;
import org.vmlab.vmm.VirtualMachine;

/**
 * Emulates one sensitive instruction of the guest kernel on its vCPU: what the instruction would
 * have done on bare metal in ring 0, done to the virtual state instead (virtual IF, virtual
 * control registers, the emulated devices), with the memory and I/O techniques of the VM.
 */
public interface InstructionEmulator {
    /**
     * Emulates {@code instruction}, found at the vCPU's pc, as the guest kernel (virtual ring 0)
     * executes it; then it retires and pc moves on (unless it jumps, as {@code iret} does).
     *
     * @throws org.vmlab.machine.Fault the fault the instruction raises in the guest
     */
    void emulate(VirtualMachine vm, Instruction instruction);
}
