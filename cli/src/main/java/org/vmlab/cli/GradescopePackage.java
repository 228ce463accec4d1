package org.vmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The layout of Gradescope's autograder zip: its two scripts at the top (Gradescope unpacks the
 * zip into /autograder/source and runs setup.sh there) and the vmlab tree in {@value #TREE}/.
 */
final class GradescopePackage {
    /** The folder of the zip that holds the vmlab tree. */
    static final String TREE = "vmlab";
    /** The scripts, from this package's resources. */
    static final List<String> SCRIPTS = List.of("setup.sh", "run_autograder");

    private GradescopePackage() {
    }

    /** The file beside the scripts that names the labs to grade, one a line; none means every lab. */
    static final String LABS_FILE = "labs.txt";

    /**
     * Writes the zip of the scripts, the list of {@code labs} to grade (empty: every lab) and
     * {@code tree}; returns its number of files.
     */
    static int write(Path tree, List<String> labs, Path zip) throws IOException {
        int entries = 0;
        try (OutputStream file = Files.newOutputStream(zip);
             ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry(LABS_FILE));
            out.write(labs.stream().map(l -> l + "\n").collect(java.util.stream.Collectors.joining())
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.closeEntry();
            entries++;
            for (String script : SCRIPTS) {
                out.putNextEntry(new ZipEntry(script));
                try (InputStream in = GradescopePackage.class.getResourceAsStream("gradescope/" + script)) {
                    if (in == null) {
                        throw new IllegalStateException("gradescope/" + script + " is not in the vmlab jar");
                    }
                    in.transferTo(out);
                }
                out.closeEntry();
                entries++;
            }
            try (Stream<Path> walk = Files.walk(tree)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new ZipEntry(TREE + "/" + tree.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                    entries++;
                }
            }
        }
        return entries;
    }
}
