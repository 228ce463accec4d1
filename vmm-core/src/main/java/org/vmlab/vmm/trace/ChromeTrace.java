package org.vmlab.vmm.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.asm.Disassembler;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmTrace;

/**
 * A {@link VmmTrace} that writes what the VMM does as a timeline: a JSON file in the Trace Event
 * Format (Google, "Trace Event Format"), which Perfetto (ui.perfetto.dev) and
 * {@code chrome://tracing} open. {@code docs/tracing.md} shows how to read it.
 *
 * <p>What becomes what:
 * <ul>
 *   <li>each VM is a process, numbered 1, 2, ... in the order the trace first hears of it and
 *       named after it ({@link VirtualMachine#name()});
 *   <li>each exit is a slice on the VM's {@code vmm} track, from the cycle control reached the VMM
 *       to the cycle it returned, named by its reason ({@code "page fault"}), with the guest pc in
 *       hex, its symbol, and the vector, error code, fault address and instruction where the exit
 *       has them;
 *   <li>the time from one exit (or injection) to the next exit is a {@code "guest runs"} slice
 *       on the {@code guest} track;
 *   <li>each injected interrupt is a marker on the {@code injections} track, with its vector;
 *   <li>each technique mark is a marker in its category ({@code "shadow"}), on a track of that
 *       category;
 *   <li>every {@value #EXITS_PER_COUNTER_SAMPLE} exits of a VM, a counter sample of its exits so
 *       far by reason.
 * </ul>
 *
 * <p><b>Time.</b> Each VM's events are in that VM's own simulated cycles
 * ({@link VirtualMachine#cycles()}), shown at a nominal clock of {@value #CLOCK_HZ} Hz: a cycle
 * is a nanosecond, and {@code ts} and {@code dur} are written exactly, in microseconds with up to
 * three decimals. The cycles are the cost model's estimates, not measured time.
 *
 * <p><b>Streaming and bounds.</b> Each event is written when it is reported, never collected, and
 * only the first {@code eventLimit} timeline events are written (process and track names always
 * are); the rest are counted, and {@link #close} adds a marker saying how many were dropped from
 * where. The file is valid JSON once {@code close} has run, whenever that is: after a normal end
 * or after the run failed with an exception. An event is gathered whole before it is written, so
 * one that fails while being described is left out entirely.
 *
 * <p>Not thread-safe: the VMM reports from the one thread that runs its VMs. A write error is
 * thrown as an {@link UncheckedIOException}.
 */
public final class ChromeTrace implements VmmTrace, AutoCloseable {
    /** The nominal clock that turns cycles into time on the timeline: 1 GHz. */
    public static final long CLOCK_HZ = 1_000_000_000L;
    /** Cycles in a microsecond, the format's unit of time, at {@link #CLOCK_HZ}. */
    public static final long CYCLES_PER_MICROSECOND = CLOCK_HZ / 1_000_000L;
    /** Timeline events written before the rest are only counted: roughly 150 MB of JSON. */
    public static final long DEFAULT_EVENT_LIMIT = 1_000_000L;
    /** A VM's exits between two samples of its exit counters. */
    public static final int EXITS_PER_COUNTER_SAMPLE = 1_000;

    private static final String GUEST_RUN = "guest runs";

    private final TraceEventWriter out;
    private final EventCap cap;
    private final Map<VirtualMachine, VmTracks> vms = new IdentityHashMap<>();
    private final Disassembler disassembler = new Disassembler();
    private boolean closed;

    /** A trace to {@code out}, with the default event limit; {@link #close} flushes, not closes it. */
    public ChromeTrace(Writer out) {
        this(out, DEFAULT_EVENT_LIMIT);
    }

    /** A trace to {@code out} of at most {@code eventLimit} timeline events; {@code out} stays open. */
    public ChromeTrace(Writer out, long eventLimit) {
        this(generator(false, f -> f.createGenerator(out)), eventLimit);
    }

    /** A trace to {@code out} in UTF-8, with the default event limit; {@code out} stays open. */
    public ChromeTrace(OutputStream out) {
        this(out, DEFAULT_EVENT_LIMIT);
    }

    /** A trace to {@code out} in UTF-8, of at most {@code eventLimit} timeline events. */
    public ChromeTrace(OutputStream out, long eventLimit) {
        this(generator(false, f -> f.createGenerator(out, JsonEncoding.UTF8)), eventLimit);
    }

    /** A trace to a new (or truncated) {@code file}, which {@link #close} closes. */
    public static ChromeTrace open(Path file) throws IOException {
        return open(file, DEFAULT_EVENT_LIMIT);
    }

    /** A trace to {@code file} of at most {@code eventLimit} timeline events. */
    public static ChromeTrace open(Path file, long eventLimit) throws IOException {
        try {
            return new ChromeTrace(generator(true, f -> f.createGenerator(file.toFile(), JsonEncoding.UTF8)),
                    eventLimit);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private ChromeTrace(JsonGenerator json, long eventLimit) {
        this.cap = new EventCap(eventLimit);
        this.out = new TraceEventWriter(json);
    }

    // --- what the VMM reports --------------------------------------------------------------------

    @Override
    public void exit(VirtualMachine vm, Exit exit, long start, long end) {
        ensureOpen();
        Map<String, Object> args = exitArgs(vm, exit);   // first: if describing fails, nothing is written
        VmTracks tracks = tracks(vm);
        guestRun(tracks, start);
        emit(TraceEvent.complete(tracks.pid(), VmTracks.VMM, "exit", exit.kind(),
                micros(start), micros(end - start), args));
        tracks.guestResumedAt(end);
        if (tracks.countExit(exit) % EXITS_PER_COUNTER_SAMPLE == 0) {
            emit(TraceEvent.counter(tracks.pid(), "exit", "exits", micros(end), tracks.exitsByKind()));
        }
    }

    @Override
    public void injection(VirtualMachine vm, int vector, long at) {
        ensureOpen();
        VmTracks tracks = tracks(vm);
        emit(TraceEvent.instant(tracks.pid(), VmTracks.INJECTIONS, "injection", "injection",
                micros(at), Map.of("vector", vector)));
        // The VMM injects between exits, before the guest runs again: its run starts after this.
        tracks.guestResumedAt(at);
    }

    @Override
    public void mark(VirtualMachine vm, String category, String name, int pc, long at) {
        ensureOpen();
        Map<String, Object> args = pcArgs(vm, pc);
        VmTracks tracks = tracks(vm);
        Integer tid = tracks.markThread(category);
        if (tid == null) {
            names(tracks.addMarkThread(category));
            tid = tracks.markThread(category);
        }
        emit(TraceEvent.instant(tracks.pid(), tid, category, name, micros(at), args));
    }

    /**
     * Ends the file: a marker for the dropped events if there were any, the closing brackets,
     * {@code displayTimeUnit} and {@code otherData} (the clock, the time base, the cost model,
     * the limit and the counts of events written and dropped); then flushes, and closes the file
     * if this trace opened it. Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cap.firstDropped().ifPresent(first -> out.write(droppedMarker(first)));
        out.finish("ns", otherData());
    }

    // --- events ----------------------------------------------------------------------------------

    /** The VM's tracks; on first hearing of the VM, a new process, named in the file. */
    private VmTracks tracks(VirtualMachine vm) {
        VmTracks tracks = vms.get(vm);
        if (tracks == null) {
            tracks = new VmTracks(vms.size() + 1);
            vms.put(vm, tracks);
            names(tracks.names(vm.name()));
        }
        return tracks;
    }

    /** The guest ran from where it last resumed until {@code until}; a run of no cycles is not shown. */
    private void guestRun(VmTracks tracks, long until) {
        long since = tracks.guestSince();
        if (until > since) {
            emit(TraceEvent.complete(tracks.pid(), VmTracks.GUEST, "guest", GUEST_RUN, micros(since),
                    micros(until - since), Map.of()));
        }
    }

    private Map<String, Object> exitArgs(VirtualMachine vm, Exit exit) {
        Map<String, Object> args = pcArgs(vm, exit.pc());
        if (exit instanceof Exit.PageFault fault) {
            args.put("vector", Vector.PAGE_FAULT);
            args.put("error_code", "0x" + Integer.toHexString(fault.errorCode()));
            args.put("address", hex(fault.address()));
        } else if (exit instanceof Exit.GuestException fault) {
            args.put("vector", fault.vector());
            args.put("error_code", "0x" + Integer.toHexString(fault.errorCode()));
        } else if (exit instanceof Exit.SoftwareInterrupt call) {
            args.put("vector", call.vector());
        } else if (exit instanceof Exit.ExternalInterrupt interrupt) {
            args.put("vector", interrupt.vector());
        } else if (exit instanceof Exit.Hypercall call) {
            args.put("number", call.number());
        }
        if (exit instanceof InstructionExit emulated) {
            args.put("instruction",
                    disassembler.disassemble(emulated.instruction().encode(), exit.pc(), vm.symbols()));
        }
        return args;
    }

    /** The guest pc, and the code it is in: what a student looks for first. */
    private static Map<String, Object> pcArgs(VirtualMachine vm, int pc) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("pc", hex(pc));
        args.put("symbol", vm.symbols().describe(pc));
        return args;
    }

    private TraceEvent droppedMarker(TraceEvent first) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("dropped", cap.dropped());
        args.put("limit", cap.limit());
        return TraceEvent.processInstant(first.pid(), "trace", "events dropped", first.ts(), args);
    }

    private Map<String, Object> otherData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", "vmlab VMM trace (org.vmlab.vmm.trace.ChromeTrace)");
        data.put("clock", "nominal 1 GHz: one simulated cycle is one nanosecond; ts and dur are microseconds");
        data.put("cyclesPerMicrosecond", CYCLES_PER_MICROSECOND);
        data.put("timeBase", "each VM's own simulated cycles, counted from 0 when the VM was created");
        data.put("costModel", "cycles are the cost model's estimates, not measured time: see docs/cost-model.md");
        data.put("eventLimit", cap.limit());
        data.put("eventsWritten", cap.written());
        data.put("eventsDropped", cap.dropped());
        return data;
    }

    /** Writes a timeline event, if the cap admits it. */
    private void emit(TraceEvent event) {
        if (cap.admit(event)) {
            out.write(event);
        }
    }

    /** Writes metadata: a handful per VM, so never capped, and every track keeps its name. */
    private void names(List<TraceEvent> metadata) {
        metadata.forEach(out::write);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the trace is closed");
        }
    }

    /** {@code cycles} as microseconds at {@link #CLOCK_HZ}: exact, as a power of ten divides. */
    private static BigDecimal micros(long cycles) {
        return BigDecimal.valueOf(cycles).divide(BigDecimal.valueOf(CYCLES_PER_MICROSECOND));
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }

    // --- the generator ---------------------------------------------------------------------------

    private interface Target {
        JsonGenerator open(JsonFactory factory) throws IOException;
    }

    /**
     * A generator that writes decimals plainly ({@code 2000.5}, never {@code 2.0005E3}) and closes
     * its target only if it {@code ownsTarget}: a caller's stream is the caller's to close.
     */
    private static JsonGenerator generator(boolean ownsTarget, Target target) {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .configure(StreamWriteFeature.AUTO_CLOSE_TARGET, ownsTarget)
                .build();
        try {
            return target.open(factory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
