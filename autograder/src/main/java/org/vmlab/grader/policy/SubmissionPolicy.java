package org.vmlab.grader.policy;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a submission's compiled lab code may be and do, checked before any of it runs.
 *
 * <p>Two checks. The <em>layout</em>: every file of the compiled code is a class in a lab's
 * package ({@code org/vmlab/labs/labN/...}) or a service file that registers such a class with
 * one of the VMM's seams ({@code META-INF/services/org.vmlab.vmm.*}); anything else (a class in
 * the grader's package, a {@code junit-platform.properties}, a JUnit extension registered as a
 * service) is refused. The <em>API</em>: lab code uses no reflection or method handles, class
 * loaders, threads, processes, files, network, JDK internals, and does not exit, halt or
 * redirect the JVM's streams ({@link ForbiddenApi} has the table and the reasons). The API check
 * reads the class files with ArchUnit; it sees calls, field accesses, and every type a class
 * names (in signatures, casts, {@code instanceof}, annotations, and class literals).
 *
 * <p>docs/grading.md lists what is forbidden and why.
 */
public final class SubmissionPolicy {

    private static final Pattern LAB_CLASS = Pattern.compile(
            "org/vmlab/labs/lab\\d+(/[A-Za-z_$][A-Za-z0-9_$]*)*/[A-Za-z_$][A-Za-z0-9_$]*\\.class");
    private static final Pattern LAB_PACKAGE = Pattern.compile(
            "org\\.vmlab\\.labs\\.lab\\d+(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern SEAM_SERVICE = Pattern.compile(
            "META-INF/services/org\\.vmlab\\.vmm\\.[A-Za-z0-9_.$]+");

    /** What the check found: violations outside any lab, and per lab package. */
    public record Verdict(List<Violation> layout, Map<String, List<Violation>> byLab) {

        /** Copies. */
        public Verdict {
            layout = List.copyOf(layout);
            byLab = Map.copyOf(byLab);
        }

        /** Whether nothing was found. */
        public boolean clean() {
            return layout.isEmpty() && byLab.isEmpty();
        }

        /**
         * Why the tests of the lab in {@code labPackage} may not run, or empty when they may: any
         * file outside the labs refuses every lab; a forbidden use refuses its own lab.
         */
        public Optional<String> refusal(String labPackage) {
            if (!layout.isEmpty()) {
                return Optional.of("not run: the submission breaks the submission policy: "
                        + layout.get(0).line() + more(layout));
            }
            List<Violation> own = byLab.getOrDefault(labPackage, List.of());
            return own.isEmpty() ? Optional.empty()
                    : Optional.of("not run: your code breaks the submission policy: "
                    + own.get(0).line() + more(own));
        }

        /** Every violation, one line each, layout first. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            layout.forEach(v -> lines.add(v.line()));
            new TreeMap<>(byLab).values().forEach(vs -> vs.forEach(v -> lines.add(v.line())));
            return lines;
        }

        private static String more(List<Violation> violations) {
            return violations.size() == 1 ? ""
                    : " (and " + (violations.size() - 1) + " more)";
        }
    }

    /** Checks the compiled lab code in {@code classes} (a class-output folder). */
    public Verdict check(Path classes) throws IOException {
        List<Violation> layout = new ArrayList<>();
        List<Path> classFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = classes.relativize(file).toString().replace('\\', '/');
                if (LAB_CLASS.matcher(relative).matches()) {
                    classFiles.add(file);
                } else if (SEAM_SERVICE.matcher(relative).matches()) {
                    layout.addAll(checkService(file, relative));
                } else {
                    layout.add(new Violation("", relative, "not a class of a lab's package"
                            + " (org.vmlab.labs.labN): a submission may hold nothing else"));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try (Stream<Path> links = Files.walk(classes)) {
            links.filter(Files::isSymbolicLink).forEach(link -> layout.add(new Violation("",
                    classes.relativize(link).toString(), "a symbolic link")));
        }
        Map<String, List<Violation>> byLab = new LinkedHashMap<>();
        if (!classFiles.isEmpty()) {
            JavaClasses imported = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                    .importPaths(classFiles);
            for (JavaClass javaClass : imported) {
                List<Violation> found = checkClass(javaClass);
                if (!found.isEmpty()) {
                    byLab.computeIfAbsent(labOf(javaClass.getPackageName()),
                            k -> new ArrayList<>()).addAll(found);
                }
            }
        }
        byLab.replaceAll((lab, vs) -> vs.stream().distinct()
                .sorted((a, b) -> a.where().compareTo(b.where())).toList());
        return new Verdict(layout, byLab);
    }

    /** The lab package a class is in: {@code org.vmlab.labs.lab1} for its subpackages too. */
    private static String labOf(String packageName) {
        String[] parts = packageName.split("\\.");
        return parts.length >= 4 ? String.join(".", parts[0], parts[1], parts[2], parts[3])
                : packageName;
    }

    /** A service file may name only classes of the labs. */
    private static List<Violation> checkService(Path file, String relative) throws IOException {
        List<Violation> found = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String provider = line.replaceAll("#.*", "").strip();
            if (provider.isEmpty()) {
                continue;
            }
            int dot = provider.lastIndexOf('.');
            String pkg = dot < 0 ? "" : provider.substring(0, dot);
            if (!LAB_PACKAGE.matcher(pkg).matches()) {
                found.add(new Violation("", relative, "registers " + provider
                        + ", which is not a class of a lab's package"));
            }
        }
        return found;
    }

    /**
     * The forbidden uses in one class, one per line of code and forbidden class: the most
     * specific reason wins (a call's own reason over its class's, a call over a mere naming).
     */
    private static List<Violation> checkClass(JavaClass javaClass) {
        String lab = labOf(javaClass.getPackageName());
        Map<String, Violation> byPlace = new LinkedHashMap<>();
        for (JavaAccess<?> access : javaClass.getAccessesFromSelf()) {
            String owner = access.getTargetOwner().getName();
            String place = place(javaClass, access.getLineNumber());
            String key = place + "|" + owner;
            String what = simple(owner) + "." + access.getName() + ": ";
            Optional<String> specific = ForbiddenApi.member(owner, access.getName(),
                    parameterTypes(access));
            if (specific.isPresent()) {
                byPlace.put(key, new Violation(lab, place, what + specific.get()));
            } else {
                ForbiddenApi.type(owner).ifPresent(why ->
                        byPlace.putIfAbsent(key, new Violation(lab, place, what + why)));
            }
        }
        for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
            JavaClass target = dependency.getTargetClass();
            String name = target.isArray() ? target.getBaseComponentType().getName()
                    : target.getName();
            String place = place(javaClass, dependency.getSourceCodeLocation().getLineNumber());
            ForbiddenApi.type(name).ifPresent(why -> byPlace.putIfAbsent(place + "|" + name,
                    new Violation(lab, place, "uses " + name + ": " + why)));
        }
        for (JavaMethod method : javaClass.getMethods()) {
            if (method.getName().equals("finalize") && method.getRawParameterTypes().isEmpty()) {
                String place = place(javaClass, lineOf(method));
                byPlace.put(place + "|finalize", new Violation(lab, place,
                        "declares finalize(): it runs on the JVM's finalizer thread,"
                                + " outside any test"));
            }
        }
        return List.copyOf(byPlace.values());
    }

    private static List<String> parameterTypes(JavaAccess<?> access) {
        return access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget unit
                ? unit.getRawParameterTypes().stream().map(HasName::getName).toList()
                : List.of();
    }

    private static int lineOf(JavaCodeUnit unit) {
        return unit.getSourceCodeLocation().getLineNumber();
    }

    private static String place(JavaClass javaClass, int line) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        String file = outer.getSource().flatMap(s -> s.getFileName()).orElse(
                outer.getSimpleName() + ".java");
        return file + ":" + line + " (" + javaClass.getName() + ")";
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
