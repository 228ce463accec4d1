package org.vmlab.labs.lab0;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.vmlab.machine.isa.IsaVariant;

/**
 * A submission that does not do the theorems but looks for someone else's answer: the reference
 * solutions near its working directory or its class path, and the hidden tests on the class
 * path. It fails with what it found, so that the grading package's test can check what is
 * protected (the solutions: they are not there) and what is not (the hidden tests' class files,
 * which must be on the class path to run).
 */
public final class Theorems {

    private Theorems() {
    }

    public static boolean theorem1(IsaVariant isa) {
        throw new IllegalStateException(snoop());
    }

    public static boolean theorem3(IsaVariant isa) {
        throw new IllegalStateException(snoop());
    }

    static String snoop() {
        List<Path> places = new ArrayList<>();
        places.add(Path.of("").toAbsolutePath());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            places.add(Path.of(entry).toAbsolutePath());
        }
        TreeSet<String> solutions = new TreeSet<>();
        for (Path place : places) {
            for (Path up = place; up != null; up = up.getParent()) {
                Path reference = up.resolve("solutions/src/main/java/org/vmlab/labs/lab0");
                if (Files.isDirectory(reference)) {
                    solutions.add(reference.toString());
                }
            }
        }
        return "snooped: reference solutions found: " + (solutions.isEmpty() ? "none" : solutions)
                + "; hidden test class on the class path: " + hiddenTestBytes() + " bytes"
                + "; working directory entries: " + entries(places.get(0));
    }

    private static long hiddenTestBytes() {
        try (InputStream in = Theorems.class.getClassLoader()
                .getResourceAsStream("org/vmlab/labs/lab0/Lab0HiddenTest.class")) {
            return in == null ? -1 : in.readAllBytes().length;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
