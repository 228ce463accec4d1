package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.RunResult;

/**
 * Popek and Goldberg's equivalence property, checked: a program run under the VMM behaves as it
 * does on bare metal. Two runs are equivalent when they ended the same way and agree on every
 * observable: console output, disk requests, network frames, the disk's and memory's final
 * contents, and the final processor state.
 */
public final class Equivalence {
    private Equivalence() {
    }

    /**
     * The verdict.
     *
     * @param differences what differs, one line each, in the order above; empty if equivalent
     */
    public record Verdict(List<String> differences) {
        public Verdict {
            differences = List.copyOf(differences);
        }

        public boolean equivalent() {
            return differences.isEmpty();
        }

        /** "equivalent", or the first difference. */
        public String summary() {
            return equivalent() ? "equivalent" : "DIVERGED: " + differences.get(0);
        }
    }

    public static Verdict compare(RunResult nativeRun, RunResult virtualRun) {
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
        if (!n.diskRequests().equals(v.diskRequests())) {
            d.add("disk requests differ " + firstDifference(n.diskRequests(), v.diskRequests()));
        }
        if (!n.frames().equals(v.frames())) {
            d.add("network frames differ " + firstDifference(n.frames(), v.frames()));
        }
        if (!n.diskDigest().equals(v.diskDigest())) {
            d.add("the disk's final contents differ");
        }
        if (!n.memoryDigest().equals(v.memoryDigest())) {
            d.add("memory's final contents differ");
        }
        if (!n.cpu().equals(v.cpu())) {
            d.add("final processor state differs: "
                    + String.join("; ", StateDifference.between(n.cpu(), v.cpu())));
        }
        return new Verdict(d);
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
