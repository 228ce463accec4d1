package org.vmlab.grader.labs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vmlab.grader.Visibility;

/**
 * What a test class's source says about the visibility of its {@code @Graded} tests, read from
 * the text (the handout is written from sources, before or without a build).
 *
 * <p>The rule the handout follows: a test class whose graded tests are all {@link Visibility#VISIBLE}
 * goes to the students; a class whose graded tests are all something else (hidden, after the due
 * date, after publishing) stays with the instructor; a class that mixes the two is an error,
 * because half of it cannot be given away. A class without graded tests is ordinary code and
 * goes along.
 *
 * @param path         the file, for messages
 * @param visibilities the visibility of each {@code @Graded} annotation, in order
 */
public record GradedTestSource(String path, List<Visibility> visibilities) {

    private static final Pattern GRADED = Pattern.compile("@(?:org\\.vmlab\\.grader\\.)?Graded\\b");
    private static final Pattern VISIBILITY = Pattern.compile(
            "\\bvisibility\\s*=\\s*(?:(?:org\\.vmlab\\.grader\\.)?Visibility\\.)?(\\w+)");

    public GradedTestSource {
        visibilities = List.copyOf(visibilities);
    }

    /** Reads the {@code @Graded} annotations of a Java source. */
    public static GradedTestSource parse(String path, String source) {
        List<Visibility> found = new ArrayList<>();
        Matcher graded = GRADED.matcher(source);
        while (graded.find()) {
            String arguments = arguments(source, graded.end());
            Matcher v = VISIBILITY.matcher(arguments);
            found.add(v.find() ? visibility(path, v.group(1)) : Visibility.VISIBLE);
        }
        return new GradedTestSource(path, found);
    }

    /** True if the class has graded tests and none of them is visible: it stays out of the handout. */
    public boolean withheld() {
        Set<Visibility> kinds = visibilities.isEmpty() ? Set.of() : EnumSet.copyOf(visibilities);
        boolean visible = kinds.contains(Visibility.VISIBLE);
        boolean notVisible = kinds.stream().anyMatch(k -> k != Visibility.VISIBLE);
        if (visible && notVisible) {
            throw new HandoutException(path + ": mixes visible and hidden graded tests; put the "
                    + "hidden ones (HIDDEN, AFTER_DUE_DATE, AFTER_PUBLISHED) in a class of their own");
        }
        return notVisible;
    }

    /**
     * The text between the parentheses that follow {@code from}, without its string literals
     * (a name may say anything), or empty if there are no parentheses.
     */
    private static String arguments(String source, int from) {
        int i = from;
        while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
            i++;
        }
        if (i >= source.length() || source.charAt(i) != '(') {
            return "";
        }
        StringBuilder code = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        for (int j = i; j < source.length(); j++) {
            char c = source.charAt(j);
            if (inString) {
                if (c == '\\') {
                    j++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                break;
            }
            code.append(c);
        }
        return code.toString();
    }

    private static Visibility visibility(String path, String name) {
        try {
            return Visibility.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new HandoutException(path + ": unknown visibility '" + name + "' in @Graded");
        }
    }
}
