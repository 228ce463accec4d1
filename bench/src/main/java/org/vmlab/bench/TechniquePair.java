package org.vmlab.bench;

import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;

/**
 * A CPU technique and a memory technique that the VMM is built with, spelled as the command line
 * names them and joined by a plus: {@code trap-emulate+shadow}, {@code paravirt+pv-mmu},
 * {@code hardware+nested}. They are found by name among the techniques registered on bench's
 * class path ({@link Techniques}): in the instructors' repository, the reference solutions'.
 */
record TechniquePair(CpuTechnique cpu, MemoryTechnique memory) {

    /**
     * The pair {@code spelling} names.
     *
     * @throws IllegalArgumentException if it is not {@code CPU+MEMORY}, a name is not registered,
     *                                  or the memory technique is nested paging and the CPU
     *                                  technique does not run it
     */
    static TechniquePair named(String spelling) {
        int plus = spelling.indexOf('+');
        if (plus <= 0 || plus == spelling.length() - 1) {
            throw new IllegalArgumentException("a technique pair is CPU+MEMORY, as trap-emulate+shadow: '"
                    + spelling + "'");
        }
        String cpuName = spelling.substring(0, plus);
        String memoryName = spelling.substring(plus + 1);
        Techniques registered = Techniques.installed(TechniquePair.class.getClassLoader());
        CpuTechnique cpu = registered.cpu(cpuName).orElseThrow(() -> new IllegalArgumentException(
                "no CPU technique '" + cpuName + "' is registered on bench's class path (registered: "
                        + registered.cpuNames() + "); the labs' techniques come from the reference solutions,"
                        + " which bench depends on in the instructors' repository only"));
        MemoryTechnique memory = registered.memory(memoryName).orElseThrow(() -> new IllegalArgumentException(
                "no memory technique '" + memoryName + "' is registered on bench's class path (registered: "
                        + registered.memoryNames() + ")"));
        if (memory.nestedPaging() && !cpu.runsNestedPaging()) {
            throw new IllegalArgumentException(memoryName + " is the processor's nested paging, which "
                    + cpuName + " does not run");
        }
        return new TechniquePair(cpu, memory);
    }
}
