package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

/**
 * The main class of the forked test JVM. Arguments: the {@link ForkRequest} JSON file, the
 * events file to write, and the file that holds the running test's output so far. It runs the selected graded tests through the JUnit Platform launcher,
 * one at a time, with standard output and error captured per test, writes {@link Event.Done}
 * and halts, so that threads left running cannot keep it alive.
 */
public final class TestJvm {

    /** The start of the line on standard error that reports the grader's own failure. */
    static final String INTERNAL_ERROR = "vmlab grader: the test JVM failed: ";
    /** The exit code that goes with it. */
    static final int INTERNAL_ERROR_CODE = 70;

    private TestJvm() {
    }

    /** Runs the request; see the class comment. */
    public static void main(String[] args) throws Exception {
        ForkRequest request = new ObjectMapper().readValue(Path.of(args[0]).toFile(),
                ForkRequest.class);
        RandomAccessFile spill = new RandomAccessFile(args[2], "rw");
        OutputCapture capture = new OutputCapture(request.outputCap(), spill);
        PrintStream realErr = System.err;
        PrintStream captured = capture.printStream();
        System.setOut(captured);
        System.setErr(captured);
        try (EventWriter events = new EventWriter(Path.of(args[1]))) {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(discovery(request),
                    new GradingListener(events, capture, request.heapMb()));
            events.write(new Event.Done());
        } catch (Throwable t) {
            realErr.println(INTERNAL_ERROR + t);
            t.printStackTrace(realErr);
            realErr.flush();
            Runtime.getRuntime().halt(INTERNAL_ERROR_CODE);
        }
        Runtime.getRuntime().halt(0);
    }

    private static LauncherDiscoveryRequest discovery(ForkRequest request) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        if (request.uniqueIds().isEmpty()) {
            request.classes().forEach(c -> selectors.add(selectClass(c)));
            request.packages().forEach(p -> selectors.add(selectPackage(p)));
        } else {
            request.uniqueIds().forEach(id -> selectors.add(selectUniqueId(id)));
        }
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .filters(gradedOnly())
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build();
    }

    /** Keeps test methods that carry {@link Graded}; everything else is not graded. */
    private static PostDiscoveryFilter gradedOnly() {
        return descriptor -> {
            if (descriptor.getSource().orElse(null) instanceof MethodSource method) {
                boolean graded;
                try {
                    graded = method.getJavaMethod().isAnnotationPresent(Graded.class);
                } catch (RuntimeException e) {
                    graded = false;
                }
                return FilterResult.includedIf(graded, () -> "graded",
                        () -> "not a graded test");
            }
            return FilterResult.included("container");
        };
    }
}
