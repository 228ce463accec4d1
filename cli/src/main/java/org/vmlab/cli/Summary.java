package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.Vector;

/** The summary printed after a run: how it ended and what it cost. */
final class Summary {
    private Summary() {
    }

    static void print(PrintWriter out, Machine machine, RunResult result) {
        Map<String, Long> c = result.counters();
        int pc = result.observables().cpu().pc();
        out.println("---");
        out.printf("stopped:      %s at pc=0x%08x (%s)%n", result.stopReason(), pc,
                machine.symbols().describe(pc));
        out.printf("detail:       %s%n", result.stopDetail());
        out.printf("instructions: %,d%n", result.instructions());
        out.printf("cycles:       %,d (simulated)%n", result.cycles());
        out.printf("tlb:          %,d misses, %,d flushes; %,d page faults%n",
                c.get("tlb.misses"), c.get("tlb.flushes"), c.get("page.faults"));
        out.printf("traps:        %,d system calls (int 0x80), %,d timer interrupts, %,d device I/O accesses%n",
                c.getOrDefault("vector.128", 0L), c.getOrDefault("vector." + Vector.IRQ_BASE, 0L),
                c.get("port.accesses"));
        out.printf("devices:      %d disk requests, %d network frames%n",
                result.observables().diskRequests().size(), result.observables().frames().size());
    }
}
