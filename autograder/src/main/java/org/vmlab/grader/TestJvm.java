package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

/**
 * The main class of the forked test JVM. It takes no arguments: its standard input brings the
 * channel's key and the {@link ForkRequest}, one line each; its standard output is the channel
 * ({@link EventChannel}), which nothing else may write. Before any test code is loaded it points
 * {@code System.out} and {@code System.err} at a capture and {@code System.in} at nothing, so
 * the code under test can neither write the channel nor read the key.
 *
 * <p>It runs the selected graded tests through the JUnit Platform launcher, one at a time, with
 * the Jupiter engine alone and nothing taken from the class path's configuration (no engines,
 * listeners or extensions found by {@code ServiceLoader}, no {@code junit-platform.properties}),
 * then sends {@link Event.Done} and halts, so that threads left running cannot keep it alive.
 * When its standard input closes, the grader has gone, and it ends too, with every process it
 * started.
 */
public final class TestJvm {

    /** The exit code when the test JVM's own machinery failed. */
    static final int INTERNAL_ERROR = 70;
    /** The exit code when the grader went away. */
    static final int ORPHANED = 71;
    /** The longest line of standard input it reads (the request). */
    private static final int MAX_INPUT_LINE = 4 * 1024 * 1024;

    private TestJvm() {
    }

    /** Runs the request; see the class comment. */
    public static void main(String[] args) {
        PrintStream realErr = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        EventWriter events = null;
        try {
            InputStream stdin = new FileInputStream(FileDescriptor.in);
            String key = readLine(stdin);
            ForkRequest request = new ObjectMapper().readValue(readLine(stdin), ForkRequest.class);
            events = new EventWriter(new FileOutputStream(FileDescriptor.out),
                    new EventChannel(key));
            EventWriter channel = events;
            OutputCapture capture = new OutputCapture(request.outputCap(),
                    text -> channel.write(new Event.Printed(text)));
            PrintStream captured = capture.printStream();
            System.setOut(captured);
            System.setErr(captured);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            watchGrader(stdin);
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> channel.write(new Event.Exiting(exitCaller())), "vmlab-exit-report"));
            events.write(new Event.Hello());
            GradingListener listener = new GradingListener(events, capture, request.heapMb());
            try {
                if (request.planOnly()) {
                    listener.testPlanExecutionStarted(launcher().discover(discovery(request)));
                } else {
                    launcher().execute(discovery(request), listener);
                }
            } catch (Throwable t) {
                // JUnit rethrows what it deems unrecoverable (an OutOfMemoryError, even one the
                // code under test threw itself): the running test failed, the rest need a new JVM
                if (!listener.abandonRunningTest(t)) {
                    throw t;
                }
            }
            // A run that ends while a test is still open was aborted by JUnit itself.
            listener.abandonRunningTest(new IllegalStateException(
                    "JUnit aborted the run during this test"));
            events.write(new Event.Done());
        } catch (Throwable t) {
            String message = Failures.describe(t);
            if (events != null) {
                events.write(new Event.Broken(message));
            }
            realErr.println("vmlab grader: the test JVM failed: " + message);
            Runtime.getRuntime().halt(INTERNAL_ERROR);
        }
        Runtime.getRuntime().halt(0);
    }

    /** One line of standard input, read byte by byte so that nothing after it is consumed. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_INPUT_LINE) {
                throw new IOException("request line too long");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("no request on standard input");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * A daemon thread that waits for the end of standard input: the grader holds the other end
     * and never writes again, so the end means it is gone (even killed with SIGKILL). Then
     * nothing may go on running: every process started from here is killed, and the JVM halts.
     */
    private static void watchGrader(InputStream stdin) {
        Thread watcher = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // the grader sends nothing more; the read returns at its end
                }
            } catch (IOException e) {
                // closed: the same
            }
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(ORPHANED);
        }, "vmlab-grader-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Where {@code System.exit} was called: the first frame below {@code Runtime.exit} and
     * {@code System.exit} of the thread that is exiting, as {@code File.java:12}.
     */
    static String exitCaller() {
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = entry.getValue();
            for (int i = 0; i < stack.length; i++) {
                if (stack[i].getClassName().equals("java.lang.Runtime")
                        && stack[i].getMethodName().equals("exit")) {
                    int caller = i + 1;
                    if (caller < stack.length && stack[caller].getClassName().equals("java.lang.System")) {
                        caller++;
                    }
                    return caller < stack.length ? Failures.place(stack[caller]) : "";
                }
            }
        }
        return "";
    }

    /** The Jupiter engine alone; nothing registered through {@code ServiceLoader}. */
    private static Launcher launcher() {
        return LauncherFactory.create(LauncherConfig.builder()
                .enableTestEngineAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestEngines(new JupiterTestEngine())
                .build());
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
                .enableImplicitConfigurationParameters(false)
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                // pruning calls getStackTrace on what the code under test threw, which may throw
                .configurationParameter("junit.platform.stacktrace.pruning.enabled", "false")
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
