package org.vmlab.cli;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceConfigurationError;
import org.vmlab.vmm.Techniques;

/**
 * Whose implementation of the labs a command runs: the student's ({@code labs}) or the reference
 * ({@code solutions}, in the instructors' repository only). The classes are loaded from that
 * module's build output, and the techniques they register are found by name.
 */
final class LabCode {
    /** The implementations there are. */
    enum Impl { labs, solutions }

    private LabCode() {
    }

    /** {@code solutions} where the repository has them (an instructor's), else {@code labs}. */
    static Impl defaultImpl() {
        return Files.isDirectory(Home.root().resolve("solutions/src")) ? Impl.solutions : Impl.labs;
    }

    /** The techniques registered by {@code impl}'s classes. */
    static Techniques techniques(Impl impl) {
        Path classes = Home.root().resolve(impl + "/target/classes");
        if (!Files.isDirectory(classes)) {
            throw new UserError(classes + " is missing: build first (./mvnw -q -DskipTests package)");
        }
        try {
            URL[] urls = {classes.toUri().toURL()};
            // Never closed: the VM's classes are in use until the command ends.
            return Techniques.installed(new LabClassLoader(urls, LabCode.class.getClassLoader()));
        } catch (MalformedURLException e) {
            throw new UserError("cannot load " + classes + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(impl + "'s techniques: " + e.getMessage());   // two of one name
        } catch (ServiceConfigurationError | LinkageError e) {
            // a technique that cannot be made: its constructor threw, or it is no technique at all
            UserError located = asUserError(e);
            throw located != null ? located : new UserError(impl + "'s techniques cannot be loaded: " + e.getMessage());
        }
    }

    /**
     * Loads the lab classes from the chosen implementation first, even where another copy of them
     * is on the class path too (as in the command's own tests); everything else from the parent.
     */
    private static final class LabClassLoader extends URLClassLoader {
        private static final String LABS = "org.vmlab.labs.";

        LabClassLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(LABS)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notHere) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /**
     * If {@code e} is a lab stub's "not written yet", the one line that says so, naming the lab;
     * else null.
     */
    static String unwritten(Throwable e) {
        String lab = unwrittenLab(e);
        if (lab == null) {
            return null;
        }
        String todo = todo(e);
        return "this needs " + lab + ", which is not written yet: " + todo
                + " (see labs/docs/, and grade it with: ./vmlab grade " + lab + ")";
    }

    /**
     * If {@code e} came out of lab code (a frame of {@code org.vmlab.labs} on its stack, or on the
     * stack of one of its causes), what a student needs to find the bug: the exception and the
     * lab's own frames; else null.
     */
    static String labFailure(Throwable e) {
        Throwable thrown = thrownInLabCode(e);
        if (thrown == null) {
            return null;
        }
        StringBuilder frames = new StringBuilder();
        int shown = 0;
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (isLab(frame) && shown < 8) {
                frames.append("\n  at ").append(frame);
                shown++;
            }
        }
        return "vmlab: your lab code threw " + thrown + frames;
    }

    /**
     * The lab code's exception in one line, for a table's data: the exception and the innermost
     * frame of the lab's ("java.lang.NullPointerException: ... at org.vmlab.labs.lab1.X.m(X.java:4)");
     * null if {@code e} did not come out of lab code.
     */
    static String labFailureLine(Throwable e) {
        Throwable thrown = thrownInLabCode(e);
        if (thrown == null) {
            return null;
        }
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (isLab(frame)) {
                return thrown + " at " + frame;
            }
        }
        return thrown.toString();
    }

    /**
     * What a command reports for an exception it did not expect: a stub's "not written yet" as
     * one line, a bug in lab code located in the lab's classes; null for anything else (an
     * internal error of vmlab's).
     */
    static UserError asUserError(Throwable e) {
        String notWritten = unwritten(e);
        if (notWritten != null) {
            return new UserError(notWritten);
        }
        String failure = labFailure(e);
        return failure == null ? null : UserError.located(failure);
    }

    /** The innermost of {@code e} and its causes that has a frame of lab code on its stack, or null. */
    private static Throwable thrownInLabCode(Throwable e) {
        Throwable found = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (isLab(frame)) {
                    found = t;
                    break;
                }
            }
        }
        return found;
    }

    private static boolean isLab(StackTraceElement frame) {
        return frame.getClassName().startsWith("org.vmlab.labs.");
    }

    /** For a table's cell: {@code "not written (lab2)"} if {@code e} is a lab stub's, else null. */
    static String notWrittenCell(Throwable e) {
        String lab = unwrittenLab(e);
        return lab == null ? null : "not written (" + lab + ")";
    }

    /** The lab whose stub threw {@code e} (or one of its causes), or null. */
    private static String unwrittenLab(Throwable e) {
        String todo = todo(e);
        return todo == null ? null : todo.substring(5, todo.indexOf(')'));
    }

    private static String todo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnsupportedOperationException && t.getMessage() != null
                    && t.getMessage().startsWith("TODO(") && t.getMessage().indexOf(')') > 5) {
                return t.getMessage();
            }
        }
        return null;
    }
}
