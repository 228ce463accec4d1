package org.vmlab.machine;

import java.util.List;
import java.util.Map;
import org.vmlab.machine.device.DeviceObservables;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.Frame;

/**
 * What one run of a machine did: how it ended, what the guest did that can be observed from
 * outside, and what it cost.
 *
 * <p>{@link #observables()} is the part that Popek and Goldberg's equivalence property speaks of:
 * a guest run natively and under a virtual machine monitor must agree on it exactly.
 *
 * @param stopReason   why the run ended
 * @param stopDetail   one line about how it ended, with the pc
 * @param observables  console, disk and network traffic, final memory and registers
 * @param instructions guest instructions retired
 * @param ticks        ticks elapsed (instructions plus time waiting in {@code hlt})
 * @param cycles       simulated cycles, by the machine's cost model
 * @param counters     event counts by name (TLB misses, page faults, traps by vector, ...)
 */
public record RunResult(StopReason stopReason, String stopDetail, Observables observables,
                        long instructions, long ticks, long cycles, Map<String, Long> counters) {

    public RunResult {
        counters = Map.copyOf(counters);
    }

    /** The console output (shorthand for {@code observables().console()}). */
    public String console() {
        return observables.console();
    }

    /**
     * What can be observed of a guest from outside the machine.
     *
     * @param console      console output
     * @param diskRequests every disk request, in order
     * @param frames       every network frame sent and received, in order
     * @param diskDigest   SHA-256 of the disk's final contents
     * @param memoryDigest SHA-256 of the final contents of RAM
     * @param cpu          the final processor state
     */
    public record Observables(String console, List<DiskRequest> diskRequests, List<Frame> frames,
                              String diskDigest, String memoryDigest, CpuSnapshot cpu) {
        public Observables {
            diskRequests = List.copyOf(diskRequests);
            frames = List.copyOf(frames);
        }

        /** What {@code devices}, a memory of digest {@code memoryDigest} and a processor in {@code cpu} show. */
        public static Observables of(DeviceObservables devices, String memoryDigest,
                                     CpuSnapshot cpu) {
            return new Observables(devices.consoleOutput(), devices.diskRequests(), devices.frames(),
                    devices.diskDigest(), memoryDigest, cpu);
        }
    }
}
