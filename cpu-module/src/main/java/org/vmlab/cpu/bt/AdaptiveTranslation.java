package org.vmlab.cpu.bt;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.vmlab.machine.isa.Opcode;

/**
 * Adaptive binary translation (Adams and Agesen 2006, section 3.2): the translator watches which
 * of the instructions it copied keep trapping on traced memory, and translates them again as a
 * callout that emulates the access in the VMM, a callout being cheaper than a trap, its decoding
 * and the emulation. Their example is the guest kernel's store into its own page tables, which
 * shadow paging write-protects: once adapted, the store no longer faults, and only the shadow's
 * update is left to pay.
 *
 * <p>This class keeps the count, per guest instruction (by its machine address: the guest may map
 * the same code at several addresses, and the cache's units are found by machine frame), of the
 * traced writes it made, and the set of instructions adapted. It adapts only on traced writes,
 * not on hidden page faults: a hidden fault fills the shadow, after which the instruction runs at
 * full speed (a copy loop takes one per page it touches), while a traced write traps every time.
 *
 * <p>Adaptation goes both ways: a store adapted while it wrote page tables may go on to write
 * ordinary memory (a kernel's page-copy loop copies page tables and data pages alike), where a
 * callout costs a thousand times the store. After {@link #THRESHOLD} writes in a row that the
 * VMM did not trace, it is translated as a copy again, until it traps often enough once more.
 */
final class AdaptiveTranslation {
    /**
     * How many traced writes make an instruction a page-table writer. Adams and Agesen give no
     * figure; vmlab's estimate: a few, so that a store that touched a traced page once or twice
     * (a page that was once a page table) stays at full speed, and one that writes page tables in
     * a loop stops trapping within its first iterations.
     */
    static final int THRESHOLD = 4;

    private final Map<Integer, Integer> traces = new HashMap<>();
    private final Map<Integer, Integer> untraced = new HashMap<>();
    private final Set<Integer> adapted = new HashSet<>();

    /**
     * The instruction at machine address {@code machineAddress} made a traced write.
     *
     * @return true if it has just become adapted: its units must be translated again
     */
    boolean traced(int machineAddress) {
        if (adapted.contains(machineAddress)) {
            return false;   // a unit translated before the adaptation, still running
        }
        int n = traces.merge(machineAddress, 1, Integer::sum);
        if (n < THRESHOLD) {
            return false;
        }
        traces.remove(machineAddress);
        adapted.add(machineAddress);
        return true;
    }

    /**
     * The adapted store at {@code machineAddress} wrote through its callout; {@code traced} says
     * whether the VMM traced the write.
     *
     * @return true if it has just stopped being adapted: its units must be translated again
     */
    boolean calledOut(int machineAddress, boolean traced) {
        if (traced) {
            untraced.remove(machineAddress);
            return false;
        }
        int n = untraced.merge(machineAddress, 1, Integer::sum);
        if (n < THRESHOLD) {
            return false;
        }
        untraced.remove(machineAddress);
        adapted.remove(machineAddress);
        return true;
    }

    /** True if the instruction {@code op} at {@code machineAddress} is to be translated as a callout that emulates its access. */
    boolean adapts(int machineAddress, Opcode op) {
        return isStore(op) && adapted.contains(machineAddress);
    }

    /**
     * The stores the VMM's memory-instruction emulator emulates and that do not change control:
     * only they are adapted (a {@code call} that pushes into a page table is left to trap).
     */
    static boolean isStore(Opcode op) {
        return op == Opcode.SW || op == Opcode.SB || op == Opcode.PUSH;
    }

    /** Instructions adapted now. */
    int adaptedInstructions() {
        return adapted.size();
    }
}
