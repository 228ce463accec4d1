package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.cli.VmlabTest.vmlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.guests.Lmbench;
import org.vmlab.guests.Lmbenchmark;
import org.vmlab.guests.Toyos;

/**
 * {@code vmlab experiment lmbench} in any repository: its options and their errors, the shape
 * of its data, and the lmbench programs under {@code vmlab run}. (With the reference solutions,
 * {@link VmmCommandsTest} checks the figures in VMs.)
 */
class LmbenchCommandTest {

    @ParameterizedTest(name = "vmlab experiment lmbench {0}")
    @CsvSource(delimiter = '|', value = {
        "-n 0          | vmlab: Invalid value for option '--iterations': '0' is out of range: 1..1000",
        "-n 1001       | vmlab: Invalid value for option '--iterations': '1001' is out of range: 1..1000",
        "--iterations lots | vmlab: Invalid value for option '--iterations': 'lots' is not a whole number (1..1000)",
        "--bogus       | vmlab: Unknown option: '--bogus'",
        "lat_null      | vmlab: Unmatched argument at index 2: 'lat_null'",
        "--impl nobody | vmlab: Invalid value for option '--impl'"})
    void aMistakeIsOneLineOnStandardErrorAndExitCode2BeforeAnythingRuns(String options, String says) {
        List<String> args = new java.util.ArrayList<>(List.of("experiment", "lmbench"));
        args.addAll(List.of(options.split(" ")));

        Outcome o = vmlab(args.toArray(String[]::new));

        assertThat(o.exitCode()).as(o.err()).isEqualTo(Vmlab.USAGE);
        assertThat(o.err().strip()).startsWith(says).doesNotContain("\n", "Exception");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void theJsonHoldsEveryRowWithItsUnitsAndTheCellsNotWrittenYet() throws Exception {
        Outcome o = vmlab("experiment", "lmbench", "-n", "2", "--impl", "labs", "--json", "-");

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertThat(json.get("command").asText()).isEqualTo("vmlab experiment lmbench");
        assertThat(json.get("format").asInt()).isEqualTo(LmbenchData.FORMAT);
        assertThat(json.get("units").get("cycles").asText()).startsWith("simulated cycles per operation");
        assertThat(json.get("units").get("microseconds").asText()).contains("clockHz");
        JsonNode configuration = json.get("configuration");
        assertThat(configuration.get("clockHz").asLong()).isEqualTo(1_000_000_000L);
        assertThat(configuration.get("implementation").asText()).isEqualTo("labs");
        assertThat(configuration.get("nativeIsa").asText()).isEqualTo("classic");
        assertThat(configuration.get("techniques").findValuesAsText("technique"))
                .startsWith("trap-emulate/classic", "binary-translation/legacy");
        assertThat(configuration.get("techniques").get(0).get("memory").asText()).isEqualTo("shadow");
        assertThat(configuration.get("techniques").get(0).get("flavor").asText()).isEqualTo("native");

        assertThat(json.get("benchmarks").findValuesAsText("benchmark"))
                .isEqualTo(Lmbenchmark.all().stream().map(Lmbenchmark::id).toList());
        for (JsonNode row : json.get("benchmarks")) {
            Lmbenchmark benchmark = Lmbenchmark.named(row.get("benchmark").asText());
            assertThat(row.get("lmbench").asText()).isEqualTo(benchmark.lmbench());
            assertThat(row.get("iterations").asInt()).isEqualTo(2);
            assertThat(row.get("operationsPerIteration").asInt()).isEqualTo(benchmark.operationsPerIteration());
            assertThat(row.get("nativeCycles").asDouble()).isPositive();
            assertThat(row.get("nativeMicroseconds").asDouble()).isEqualTo(row.get("nativeCycles").asDouble() / 1000);
            assertThat(row.get("vms")).hasSize(configuration.get("techniques").size());
            JsonNode cell = row.get("vms").get(0);
            assertThat(cell.get("technique").asText()).isEqualTo("trap-emulate/classic");
            assertThat(cell.get("status").asText()).isEqualTo("not written");
            assertThat(cell.get("detail").asText()).matches("not written \\(lab\\d\\)");
            assertThat(List.of("cycles", "microseconds", "ratio", "error")).allMatch(f -> cell.get(f).isNull());
        }
        assertThat(o.err().lines()).filteredOn(l -> l.startsWith("lmbench: "))
                .startsWith("lmbench: 1/" + 6 * (1 + configuration.get("techniques").size()) + " lat_null natively...");
    }

    @Test
    void theTableGivesNAndMicrosecondsAtTheClockItStates() {
        Outcome o = vmlab("experiment", "lmbench", "-n", "2", "--impl", "labs", "-q");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).startsWith("simulated microseconds per operation at 1 GHz (a cycle is a nanosecond);"
                + " ratio to native in brackets\n\nbenchmark          N     native        trap-emulate/classic"
                + "   binary-translation/legacy");
        for (Lmbenchmark b : Lmbenchmark.all()) {
            assertThat(o.out()).containsPattern("(?m)^" + b.id() + " +2 +[0-9,]+\\.[0-9]{2} +not written \\(lab\\d\\)"
                    + " +not written \\(lab\\d\\)");
        }
    }

    @Test
    void eachProgramRunsWithItsOwnNUnlessToldOne() {
        Outcome o = vmlab("experiment", "lmbench", "--impl", "labs", "-q");

        assertThat(o.exitCode()).as(o.err()).isZero();
        for (Lmbenchmark b : Lmbenchmark.all()) {
            assertThat(o.out()).containsPattern("(?m)^" + b.id() + " +" + b.defaultIterations() + " ");
        }
    }

    @Test
    void paravirtualizationIsAColumnOnlyWhereBothOfItsTechniquesAreInstalled() {
        List<String> full = List.of("trap-emulate", "binary-translation");

        assertThat(LmbenchCommand.columns(full, List.of("shadow", "identity"))).extracting(LmbenchCommand.Column::name)
                .containsExactly("trap-emulate/classic", "binary-translation/legacy");
        assertThat(LmbenchCommand.columns(List.of("trap-emulate", "binary-translation", "paravirt"), List.of("shadow")))
                .hasSize(2);
        List<LmbenchCommand.Column> all = LmbenchCommand.columns(
                List.of("trap-emulate", "binary-translation", "paravirt"), List.of("shadow", "pv-mmu"));
        assertThat(all).extracting(LmbenchCommand.Column::name)
                .containsExactly("trap-emulate/classic", "binary-translation/legacy", "paravirt/legacy");
        assertThat(all.get(2).flavor()).isEqualTo(Toyos.Flavor.PARAVIRT);
        assertThat(all.get(2).memory()).isEqualTo("pv-mmu");
        assertThat(all.subList(0, 2)).allMatch(c -> c.flavor() == Toyos.Flavor.NATIVE && c.memory().equals("shadow"));
        // a technique that is missing altogether is a cell that says so, not a missing column
        assertThat(LmbenchCommand.columns(List.of(), List.of())).hasSize(2);
    }

    @Test
    void runTakesAnLmbenchProgramWithItsCount() {
        Outcome o = vmlab("run", "toyos", "-w", "lat_pagefault 40");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).startsWith(Lmbench.expectedOutput(Lmbenchmark.PAGE_FAULT));
    }

    @Test
    void runRefusesACountAnLmbenchProgramCannotTake() {
        Outcome o = vmlab("run", "toyos", "-w", "lat_pagefault 5000");

        assertThat(o.exitCode()).isEqualTo(Vmlab.USAGE);
        assertThat(o.err().strip()).isEqualTo("vmlab: unknown workload 'lat_pagefault 5000' (expected one of: "
                + String.join(", ", Toyos.workloads()) + "; or an lmbench program and its count, 0..2000, as"
                + " \"lat_null 1000\": lat_null, lat_fork, lat_exec, lat_pagefault, lat_ctx, lat_sbrk, lat_disk, lat_net)");
    }
}
