package org.vmlab.labs.lab8;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;

/** Lab code that reaches for everything the submission policy forbids, one use a line. */
@SuppressWarnings({"removal", "deprecation"})
public final class RogueLabCode {

    /** Each statement is one forbidden use. */
    public void misbehave() throws Exception {
        System.exit(1);                                                        // line 20
        Runtime.getRuntime().halt(0);                                          // line 21
        new Thread(() -> { }).start();                                         // line 22
        Class.forName("org.vmlab.grader.TestJvm");                             // line 23
        Method m = Object.class.getMethod("toString");                         // line 24
        Files.readString(Path.of("/etc/passwd"));                              // line 25
        new FileOutputStream(FileDescriptor.out).write(1);                     // line 26
        new ProcessBuilder("sh").start();                                      // line 27
        new Socket("localhost", 1).close();                                    // line 28
        MethodHandles.lookup();                                                // line 29
        System.setOut(new PrintStream("out.txt"));                             // line 30
        List.of(1).parallelStream().count();                                   // line 31
        Executors.newSingleThreadExecutor();                                   // line 32
        Runtime.getRuntime().addShutdownHook(null);                            // line 33
        System.loadLibrary("evil");                                            // line 34
    }

    @Override
    protected void finalize() {                                                // line 39
    }
}
