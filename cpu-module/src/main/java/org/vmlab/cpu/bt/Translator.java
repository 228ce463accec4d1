package org.vmlab.cpu.bt;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.VirtualMachine;

/**
 * Builds translation units: reads a basic block of guest kernel code, the way the guest's own
 * processor would fetch it, and asks the rules how to translate each instruction. A unit ends after
 * an instruction that ends a block (a branch, or any sensitive instruction that changes control),
 * after a callout, after {@link TranslationUnit#MAX_INSTRUCTIONS}, or at the end of the page.
 *
 * <p>The rules judge an instruction by its opcode: what every instance of it needs. The translator
 * reads more, and refines their answer for one instance in two ways: a callout whose instance
 * needs nothing beyond the vCPU and the VMM's own device models ({@link InCacheSafety#specializes}:
 * a write to cr2 or cr4, a port access to a device the VMM emulates itself) is emulated in the
 * cache instead; and a store the {@link AdaptiveTranslation} found writing traced page tables
 * again and again becomes a callout.
 */
final class Translator {
    private final TranslationRules rules;
    private final AdaptiveTranslation adaptive;

    Translator(TranslationRules rules, AdaptiveTranslation adaptive) {
        this.rules = rules;
        this.adaptive = adaptive;
    }

    /**
     * The unit starting at guest address {@code pc}.
     *
     * @throws Fault the guest's fault if its first instruction cannot be fetched
     */
    TranslationUnit translate(VirtualMachine vm, int pc) {
        int machineAddress = machineAddress(vm, pc);
        List<Instruction> instructions = new ArrayList<>();
        List<Translation> translations = new ArrayList<>();
        int at = pc;
        do {
            Instruction insn = Instruction.decode(vm.memory().readWord(guestPhysical(vm, at)));
            if (insn == null) {
                if (instructions.isEmpty()) {
                    throw new Fault(Vector.INVALID_OPCODE, 0);
                }
                break;   // the bad word faults when control reaches it, in a unit of its own
            }
            Translation t = rules.translate(insn);
            if (t == Translation.CALLOUT && InCacheSafety.specializes(vm, insn)) {
                t = Translation.IN_CACHE;
                vm.counters().add("bt.specialized_in_cache", 1);
            } else if (t == Translation.IDENT
                    && adaptive.adapts(machineAddress + 4 * instructions.size(), insn.opcode())) {
                t = Translation.CALLOUT;
            }
            instructions.add(insn);
            translations.add(t);
            at += 4;
            if (insn.opcode().endsBlock() || t == Translation.CALLOUT) {
                break;
            }
        } while (instructions.size() < TranslationUnit.MAX_INSTRUCTIONS && (at & 0xFFF) != 0);
        return new TranslationUnit(pc, machineAddress, instructions.toArray(Instruction[]::new),
                translations.toArray(Translation[]::new));
    }

    /** The machine address of guest-virtual {@code pc}, as the guest's fetch would translate it. */
    static int machineAddress(VirtualMachine vm, int pc) {
        return vm.memory().machineAddress(guestPhysical(vm, pc));
    }

    private static int guestPhysical(VirtualMachine vm, int pc) {
        return vm.guestMemory().physicalAddressOfCode(pc);
    }
}
