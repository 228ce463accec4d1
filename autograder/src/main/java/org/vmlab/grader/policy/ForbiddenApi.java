package org.vmlab.grader.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What lab code may not use, and why: the table behind {@link SubmissionPolicy}. Lab code runs
 * inside the grader's test JVM, beside the tests that grade it; anything that reaches past the
 * objects it is given (reflection, other threads, processes, files, the network, the JVM's own
 * life and streams) could change its own grade, outlive its test, or read what it should not.
 * A VMM lab needs none of it.
 */
final class ForbiddenApi {

    /** A forbidden class, or a package when the name ends in a dot. */
    private record Type(String name, String why) {
        boolean matches(String className) {
            return name.endsWith(".") ? className.startsWith(name) : className.equals(name)
                    || className.startsWith(name + "$");
        }
    }

    /** A forbidden member of an otherwise allowed class (or package, ending in a dot). */
    private record Member(String owner, Pattern names, String why) {
        boolean matches(String className, String name) {
            boolean owned = owner.endsWith(".") ? className.startsWith(owner)
                    : className.equals(owner);
            return owned && names.matcher(name).matches();
        }
    }

    private static final String REFLECTION = "reflection, which could reach past what the tests"
            + " hand your code";
    private static final String THREADS = "threads, which could outlive the test or act during"
            + " another";
    private static final String PROCESSES = "processes, which could outlive grading";
    private static final String FILES = "files, which could read the tests or write the results";
    private static final String NETWORK = "the network";
    private static final String JVM = "the JVM's own life, streams or settings";
    private static final String INTERNALS = "the JDK's internals";

    private static final List<Type> TYPES = List.of(
            new Type("java.lang.reflect.", REFLECTION),
            new Type("java.lang.invoke.", "method handles, which are reflection"),
            new Type("java.beans.", REFLECTION),
            new Type("java.lang.ClassLoader", "class loaders, which could load other code"),
            new Type("java.net.URLClassLoader", "class loaders, which could load other code"),
            new Type("java.security.SecureClassLoader", "class loaders, which could load other code"),
            new Type("java.lang.Module", REFLECTION),
            new Type("java.lang.ModuleLayer", REFLECTION),
            new Type("java.util.ServiceLoader", "service loading, which could load other code"),
            new Type("java.lang.Thread", THREADS),
            new Type("java.lang.ThreadGroup", THREADS),
            new Type("java.lang.ref.Cleaner", THREADS),
            new Type("java.util.Timer", THREADS),
            new Type("java.util.TimerTask", THREADS),
            new Type("java.util.concurrent.Executor", THREADS),
            new Type("java.util.concurrent.ExecutorService", THREADS),
            new Type("java.util.concurrent.Executors", THREADS),
            new Type("java.util.concurrent.ScheduledExecutorService", THREADS),
            new Type("java.util.concurrent.ThreadPoolExecutor", THREADS),
            new Type("java.util.concurrent.ScheduledThreadPoolExecutor", THREADS),
            new Type("java.util.concurrent.ForkJoinPool", THREADS),
            new Type("java.util.concurrent.ForkJoinTask", THREADS),
            new Type("java.util.concurrent.RecursiveAction", THREADS),
            new Type("java.util.concurrent.RecursiveTask", THREADS),
            new Type("java.util.concurrent.CompletableFuture", THREADS),
            new Type("java.util.concurrent.ThreadFactory", THREADS),
            new Type("java.lang.Process", PROCESSES),
            new Type("java.lang.ProcessBuilder", PROCESSES),
            new Type("java.lang.ProcessHandle", PROCESSES),
            new Type("java.lang.Runtime", JVM),
            new Type("java.io.File", FILES),
            new Type("java.io.FileDescriptor", FILES),
            new Type("java.io.FileInputStream", FILES),
            new Type("java.io.FileOutputStream", FILES),
            new Type("java.io.FileReader", FILES),
            new Type("java.io.FileWriter", FILES),
            new Type("java.io.RandomAccessFile", FILES),
            new Type("java.nio.file.", FILES),
            new Type("java.nio.channels.", FILES),
            new Type("java.util.logging.FileHandler", FILES),
            new Type("java.util.zip.ZipFile", FILES),
            new Type("java.util.jar.JarFile", FILES),
            new Type("java.net.", NETWORK),
            new Type("javax.net.", NETWORK),
            new Type("java.rmi.", NETWORK),
            new Type("java.net.http.", NETWORK),
            new Type("java.lang.instrument.", "instrumentation, which rewrites other code"),
            new Type("java.lang.management.", JVM),
            new Type("javax.management.", JVM),
            new Type("com.sun.tools.attach.", "the attach API, which reaches into other JVMs"),
            new Type("javax.script.", "script engines, which run other code"),
            new Type("javax.tools.", "the compiler, which makes other code"),
            new Type("java.awt.", "the desktop"),
            new Type("javax.swing.", "the desktop"),
            new Type("sun.", INTERNALS + " (sun.misc.Unsafe and its kin)"),
            new Type("jdk.", INTERNALS),
            new Type("com.sun.", INTERNALS));

    private static final List<Member> MEMBERS = List.of(
            new Member("java.lang.System", Pattern.compile("exit"), "exiting the JVM"),
            new Member("java.lang.System", Pattern.compile("set(Out|Err|In)"),
                    "redirecting the standard streams, which the grader captures"),
            new Member("java.lang.System", Pattern.compile("load|loadLibrary|mapLibraryName"),
                    "native code"),
            new Member("java.lang.System",
                    Pattern.compile("setProperty|setProperties|clearProperty|setSecurityManager"
                            + "|console|inheritedChannel|runFinalization"),
                    JVM),
            new Member("java.lang.Class", Pattern.compile("forName|newInstance|getClassLoader"
                    + "|getDeclared\\w*|getMethods?|getFields?|getConstructors?|getEnclosing\\w*"
                    + "|getResource\\w*|getModule|getProtectionDomain|getRecordComponents"
                    + "|getNest\\w*|getPermittedSubclasses"), REFLECTION),
            // on any collection, stream or array helper: the common pool's threads
            new Member("java.util.", Pattern.compile("parallel\\w*"), THREADS));

    /** Classes whose constructors open a file when given a name, a File or a Path. */
    private static final Set<String> OPENS_BY_NAME = Set.of("java.io.PrintStream",
            "java.io.PrintWriter", "java.util.Formatter", "java.util.Scanner");

    private ForbiddenApi() {
    }

    /** Why depending on {@code className} is forbidden, if it is. */
    static Optional<String> type(String className) {
        return TYPES.stream().filter(t -> t.matches(className)).findFirst().map(Type::why);
    }

    /** Why calling or reading {@code owner.name} is forbidden, if it is. */
    static Optional<String> member(String owner, String name, List<String> parameterTypes) {
        if (name.equals("<init>") && OPENS_BY_NAME.contains(owner) && !parameterTypes.isEmpty()
                && Set.of("java.lang.String", "java.io.File", "java.nio.file.Path")
                .contains(parameterTypes.get(0))) {
            return Optional.of(FILES);
        }
        return MEMBERS.stream().filter(m -> m.matches(owner, name)).findFirst()
                .map(Member::why);
    }
}
