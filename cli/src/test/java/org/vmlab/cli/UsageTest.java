package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.cli.VmlabTest.vmlab;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.cli.VmlabTest.Outcome;
import picocli.CommandLine;

/**
 * A command line with no command, or an unknown one, as picocli has it: the error, a suggestion
 * for a near miss, the usage, all on standard error, and exit code 2. {@code -V} on every command.
 */
class UsageTest {

    @Test
    void vmlabWithoutACommandShowsItsUsageOnStandardErrorWithExitCode2() {
        Outcome o = vmlab();

        assertThat(o.exitCode()).isEqualTo(Vmlab.USAGE);
        assertThat(o.out()).isEmpty();
        assertThat(o.err().lines().findFirst()).hasValue("vmlab: 'vmlab' needs a command (listed below)");
        assertThat(o.err()).contains("Usage: vmlab [-hV] [--engine=ENGINE] [COMMAND]", "experiment", "run");
    }

    @Test
    void experimentWithoutACommandShowsItsUsageOnStandardErrorWithExitCode2() {
        Outcome o = vmlab("experiment");

        assertThat(o.exitCode()).isEqualTo(Vmlab.USAGE);
        assertThat(o.out()).isEmpty();
        assertThat(o.err().lines().findFirst()).hasValue("vmlab: 'vmlab experiment' needs a command (listed below)");
        assertThat(o.err()).contains("Usage: vmlab experiment", "nanobench", "attacks");
    }

    @Test
    void anUnknownCommandSuggestsTheNearestAndShowsTheUsage() {
        Outcome swapped = vmlab("rnu", "toyos");
        Outcome missingLetter = vmlab("experimnt");
        Outcome nested = vmlab("experiment", "nanobnch");
        Outcome farOff = vmlab("xyzzy");

        assertThat(List.of(swapped.exitCode(), missingLetter.exitCode(), nested.exitCode(), farOff.exitCode()))
                .containsOnly(Vmlab.USAGE);
        assertThat(swapped.err().lines().limit(2)).containsExactly("vmlab: unknown command 'rnu' for 'vmlab'",
                "Did you mean: vmlab run?");
        assertThat(missingLetter.err().lines().skip(1).findFirst()).hasValue("Did you mean: vmlab experiment?");
        assertThat(nested.err().lines().limit(2)).containsExactly(
                "vmlab: unknown command 'nanobnch' for 'vmlab experiment'", "Did you mean: vmlab experiment nanobench?");
        assertThat(farOff.err()).doesNotContain("Did you mean").contains("Usage: vmlab");
        for (Outcome o : List.of(swapped, missingLetter, nested, farOff)) {
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).contains("Usage: vmlab").doesNotContain("Exception");
        }
    }

    @Test
    void aMistypedOptionIsOneLineThatSuggestsTheNearest() {
        Outcome o = vmlab("run", "toyos", "--fule", "5");

        assertThat(o.exitCode()).isEqualTo(Vmlab.USAGE);
        assertThat(o.err().strip()).isEqualTo("vmlab: Unknown options: '--fule', '5'; did you mean --fuel?"
                + " (see 'vmlab run --help')");
    }

    @Test
    void suggestionsAreOneOrTwoEditsAway() {
        assertThat(Vmlab.editDistance("rnu", "run")).isEqualTo(1);
        assertThat(Vmlab.editDistance("experimnt", "experiment")).isEqualTo(1);
        assertThat(Vmlab.editDistance("demo", "disasm")).isGreaterThan(2);
    }

    /** Every command's words: {@code run}, {@code experiment nanobench}, ..., {@code help}. */
    static Stream<String> commands() {
        List<String> all = new ArrayList<>();
        collect(new CommandLine(new Vmlab()), "", all);
        return all.stream();
    }

    private static void collect(CommandLine command, String prefix, List<String> into) {
        command.getSubcommands().forEach((name, sub) -> {
            into.add(prefix + name);
            collect(sub, prefix + name + " ", into);
        });
    }

    @ParameterizedTest(name = "vmlab {0} -V")
    @MethodSource("commands")
    void everyCommandPrintsTheVersion(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("-V");

        Outcome o = vmlab(args.toArray(String[]::new));

        assertThat(o.exitCode()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).startsWith("vmlab ").isEqualTo(vmlab("--version").out());
    }
}
