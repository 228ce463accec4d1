package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.Frame;

/**
 * Popek and Goldberg's equivalence property, checked: a program run under the VMM behaves as it
 * does on bare metal. Equivalence has levels, and a verdict says which it checked:
 * {@link Level#EXACT} for the same guest run natively, {@link Level#OBSERVABLE} for a guest whose
 * kernel was modified to run in a VM (a paravirtual build) against the native build of the same
 * source, whose memory and registers cannot agree.
 */
public final class Equivalence {
    private Equivalence() {
    }

    /** What two runs must agree on. */
    public enum Level {
        /**
         * They ended the same way and agree on every observable: console output, disk requests,
         * network frames, the disk's and memory's final contents, and the final processor state.
         */
        EXACT("stop, console, disk, network, memory, registers"),
        /**
         * They ended the same way and agree on what the world outside the machine sees: console
         * output, disk requests, network frames and the disk's final contents; requests and frames
         * by what they carry, in order, whenever they came.
         */
        OBSERVABLE("stop, console, disk, network");

        private final String checks;

        Level(String checks) {
            this.checks = checks;
        }

        /** What the level compares, in words: {@code "stop, console, disk, network"}. */
        public String checks() {
            return checks;
        }
    }

    /**
     * The verdict.
     *
     * @param level       what was compared
     * @param differences what differs, one line each, in the order of the level's list; empty if
     *                    equivalent
     */
    public record Verdict(Level level, List<String> differences) {
        public Verdict {
            differences = List.copyOf(differences);
        }

        /** An exact verdict. */
        public Verdict(List<String> differences) {
            this(Level.EXACT, differences);
        }

        public boolean equivalent() {
            return differences.isEmpty();
        }

        /** "equivalent", or the first difference. */
        public String summary() {
            return equivalent() ? "equivalent" : "DIVERGED: " + differences.get(0);
        }
    }

    /** Compares two runs of the same guest: {@link Level#EXACT}. */
    public static Verdict compare(RunResult nativeRun, RunResult virtualRun) {
        return compare(nativeRun, virtualRun, Level.EXACT);
    }

    /** Compares two runs at {@code level}. */
    public static Verdict compare(RunResult nativeRun, RunResult virtualRun, Level level) {
        List<String> d = new ArrayList<>();
        if (nativeRun.stopReason() != virtualRun.stopReason()) {
            d.add("stopped " + virtualRun.stopReason() + " (" + virtualRun.stopDetail() + "), natively "
                    + nativeRun.stopReason());
        }
        RunResult.Observables n = nativeRun.observables();
        RunResult.Observables v = virtualRun.observables();
        if (!n.console().equals(v.console())) {
            d.add("console output differs " + firstDifference(n.console(), v.console()));
        }
        // Observably, a request or a frame is what it carries, whenever it came.
        boolean timed = level == Level.EXACT;
        List<DiskRequest> nd = timed ? n.diskRequests() : n.diskRequests().stream().map(DiskRequest::untimed).toList();
        List<DiskRequest> vd = timed ? v.diskRequests() : v.diskRequests().stream().map(DiskRequest::untimed).toList();
        if (!nd.equals(vd)) {
            d.add("disk requests differ " + firstDifference(nd, vd));
        }
        List<Frame> nf = timed ? n.frames() : n.frames().stream().map(Frame::untimed).toList();
        List<Frame> vf = timed ? v.frames() : v.frames().stream().map(Frame::untimed).toList();
        if (!nf.equals(vf)) {
            d.add("network frames differ " + firstDifference(nf, vf));
        }
        if (!n.diskDigest().equals(v.diskDigest())) {
            d.add("the disk's final contents differ");
        }
        if (level == Level.OBSERVABLE) {
            return new Verdict(level, d);
        }
        if (!n.memoryDigest().equals(v.memoryDigest())) {
            d.add("memory's final contents differ");
        }
        if (!n.cpu().equals(v.cpu())) {
            d.add("final processor state differs: "
                    + String.join("; ", StateDifference.between(n.cpu(), v.cpu())));
        }
        return new Verdict(level, d);
    }

    private static String firstDifference(String n, String v) {
        String[] nl = n.split("\n", -1);
        String[] vl = v.split("\n", -1);
        for (int i = 0; i < Math.max(nl.length, vl.length); i++) {
            String a = i < nl.length ? nl[i] : "(end)";
            String b = i < vl.length ? vl[i] : "(end)";
            if (!a.equals(b)) {
                return String.format("at line %d: native \"%s\", virtual \"%s\"", i + 1, a, b);
            }
        }
        return "";
    }

    private static String firstDifference(List<?> n, List<?> v) {
        for (int i = 0; i < Math.max(n.size(), v.size()); i++) {
            Object a = i < n.size() ? n.get(i) : "(none)";
            Object b = i < v.size() ? v.get(i) : "(none)";
            if (!a.equals(b)) {
                return String.format("at #%d: native %s, virtual %s", i + 1, a, b);
            }
        }
        return "";
    }
}
