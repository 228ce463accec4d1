package org.vmlab.labs.lab0;

import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;

/**
 * Popek and Goldberg's theorems (CACM 17(7), 1974), applied by experiment to an ISA variant.
 */
public final class Theorems {

    private Theorems() {
    }

    /**
     * Theorem 1: a (trap-and-emulate) virtual machine monitor can be built if every sensitive
     * instruction is privileged.
     */
    public static boolean theorem1(IsaVariant isa) {
        // BEGIN SOLUTION: true if no instruction of the machine is sensitive without being privileged
        InstructionProbe probe = new InstructionProbe(isa);
        for (Opcode op : Opcode.values()) {
            if (Classifier.classify(probe.observe(op)).isSensitiveUnprivileged()) {
                return false;
            }
        }
        return true;
        // END SOLUTION
    }

    /**
     * Theorem 3: a hybrid virtual machine monitor (one that interprets every instruction of the
     * guest's supervisor mode) can be built if every user-sensitive instruction is privileged.
     */
    public static boolean theorem3(IsaVariant isa) {
        // BEGIN SOLUTION: true if every user-sensitive instruction is privileged
        InstructionProbe probe = new InstructionProbe(isa);
        for (Opcode op : Opcode.values()) {
            Observations o = probe.observe(op);
            if (Classifier.userSensitive(o) && !Classifier.privileged(o)) {
                return false;
            }
        }
        return true;
        // END SOLUTION
    }
}
