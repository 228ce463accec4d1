package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.cli.VmlabTest.vmlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.cli.chart.SvgDocument;
import org.vmlab.guests.Toyos;

/**
 * The {@code --json}, {@code --svg} and progress of the measuring commands, in any repository:
 * bad places are refused before anything runs, and {@code demo --bare} is quick. (With the VMs,
 * {@link VmmCommandsTest} checks the data and the charts.)
 */
class ResultOptionsTest {

    @Test
    void aPlaceThatCannotTakeTheFileIsRefusedInOneLineBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        List<List<String>> refusals = List.of(
                List.of("--json", "/", "--json / is a folder, not a file"),
                List.of("--svg", dir.toString(), "--svg " + dir + " is a folder, not a file"),
                List.of("--json", "/proc/vmlab.json", "--json /proc/vmlab.json is on the kernel's proc file system"),
                List.of("--svg", "/proc/self/status", "--svg /proc/self/status is on the kernel's proc file system"),
                List.of("--json", file.resolve("data.json").toString(), file + " is a file, not a folder"));
        for (String[] command : new String[][] {{"demo"}, {"experiment", "nanobench", "-n", "1"},
                {"experiment", "lmbench", "-n", "1"}}) {
            for (List<String> refusal : refusals) {
                String[] args = Stream.concat(Stream.of(command), Stream.of(refusal.get(0), refusal.get(1)))
                        .toArray(String[]::new);

                Outcome o = vmlab(args);

                assertThat(o.exitCode()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(o.err().strip()).as(String.join(" ", args)).startsWith("vmlab: ")
                        .contains(refusal.get(2)).doesNotContain("\n", "Exception");
                assertThat(o.out()).as(String.join(" ", args)).isEmpty();
            }
        }
        assertThat(dir.resolve("file")).hasContent("x");
    }

    @Test
    void bothResultsOnStandardOutputOrInOneFileAreRefused(@TempDir Path dir) {
        Outcome both = vmlab("demo", "--json", "-", "--svg", "-");
        Outcome same = vmlab("experiment", "nanobench", "--json", dir.resolve("r").toString(),
                "--svg", dir.resolve("./r").toString());
        Outcome bare = vmlab("demo", "--bare", "--svg", dir.resolve("demo.svg").toString());

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("vmlab: --json - and --svg - cannot both take standard output:"
                + " give one of them a file");
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.err().strip()).startsWith("vmlab: --json and --svg name the same file");
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err().strip()).isEqualTo("vmlab: --svg charts the slowdown in VMs, which --bare leaves out:"
                + " drop one of them");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void jsonOnStandardOutputTakesThePlaceOfTheTableAndProgressGoesToStandardError() throws IOException {
        Outcome o = vmlab("demo", "--bare", "--json", "-");

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertThat(json.get("command").asText()).isEqualTo("vmlab demo");
        assertThat(json.get("format").asInt()).isEqualTo(DemoData.FORMAT);
        assertThat(json.get("configuration").get("techniques")).isEmpty();
        assertThat(json.get("workloads")).hasSize(Toyos.workloads().size());
        JsonNode first = json.get("workloads").get(0);
        assertThat(first.get("workload").asText()).isEqualTo(Toyos.workloads().get(0));
        assertThat(first.get("bare").asText()).isEqualTo("ok");
        assertThat(first.get("cycles").asLong()).isPositive();
        assertThat(first.get("vms")).isEmpty();
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(o.err().lines()).hasSize(Toyos.workloads().size())
                .allMatch(line -> line.matches("demo: \\d+/" + Toyos.workloads().size() + " \\S+ on bare metal\\.\\.\\."));
    }

    @Test
    void cellsOfLabsNotWrittenAreNullsWithTheReasonAndNotApplicableInTheChart(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("nanobench.svg");

        Outcome o = vmlab("experiment", "nanobench", "-n", "1", "--impl", "labs", "-q", "--json", "-",
                "--svg", svg.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertThat(json.get("configuration").get("implementation").asText()).isEqualTo("labs");
        JsonNode syscall = json.get("benchmarks").get(0);
        assertThat(syscall.get("native").asDouble()).isPositive();
        JsonNode cell = syscall.get("vms").get(0);
        assertThat(cell.get("status").asText()).isEqualTo("not written");
        assertThat(cell.get("detail").asText()).matches("not written \\(lab\\d\\)");
        assertThat(cell.get("cycles").isNull()).isTrue();
        assertThat(cell.get("slowdown").isNull()).isTrue();
        SvgDocument chart = SvgDocument.parse(Files.readString(svg));
        int benchmarks = json.get("benchmarks").size();
        assertThat(chart.withClass("bar")).hasSize(benchmarks);
        assertThat(chart.withClass("missing")).as("four columns, none written").hasSize(4 * benchmarks);
    }

    @Test
    void quietLeavesStandardErrorEmptyAndTheTableAsItWas(@TempDir Path dir) {
        Outcome plain = vmlab("demo", "--bare", "-q");
        Outcome withJson = vmlab("demo", "--bare", "--quiet", "--json", dir.resolve("sub/demo.json").toString());

        assertThat(plain.err()).isEmpty();
        assertThat(withJson.err()).isEmpty();
        assertThat(withJson.out()).isEqualTo(plain.out());
        assertThat(dir.resolve("sub/demo.json")).isNotEmptyFile();
    }
}
