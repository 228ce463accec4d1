package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.vmlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.guests.Toyos;

/** {@code vmlab run --migrate-at} and {@code vmlab experiment migration}, on the reference solutions. */
class MigrationCommandsTest {

    @BeforeAll
    static void onlyWhereTheReferenceSolutionsAre() {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions/src")), "the instructors' repository");
    }

    @Test
    void aRunMigratedMidwayPrintsItsRoundsAndDowntimeAndIsEquivalentToBareMetal() {
        Outcome o = vmlab("run", "toyos", "-w", "all", "--cpu", "hardware", "--mem", "nested", "--migrate-at", "1500k");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("toyos: no processes left, power off")
                .containsPattern("(?m)^migration: +vm1 to another host, pre-copy from instruction 1,500,000")
                .containsPattern("(?m)^  round  1: +[0-9,]+ pages sent, +[0-9,]+ dirtied meanwhile")
                .containsPattern("(?m)^pre-copy: +1 round, converged")
                .containsPattern("(?m)^downtime: +[0-9,]+ cycles")
                .containsPattern("(?m)^instructions: 4,464,751,")
                .contains("equivalence:  equivalent to bare metal");
    }

    @Test
    void badValuesAndTechniquesThatCannotMoveAreRefusedInOneLine() {
        String[][] mistakes = {
            {"run", "toyos", "--cpu", "trap-emulate", "--migrate-at", "-1"},
            {"run", "toyos", "--cpu", "trap-emulate", "--migrate-at", "lots"},
            {"run", "toyos", "--migrate-at", "100"},
            {"run", "toyos", "--cpu", "trap-emulate", "--vms", "2", "--migrate-at", "100"},
            {"run", "toyos", "--cpu", "trap-emulate", "--lockstep", "--migrate-at", "100"},
            {"run", "toyos", "--cpu", "hardware", "--mem", "identity", "--migrate-at", "100"},
            {"run", "toyos", "--cpu", "trap-emulate", "--devices", "passthrough", "--migrate-at", "100"},
        };
        for (String[] args : mistakes) {
            Outcome o = vmlab(args);
            assertThat(o.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(o.err().lines().filter(line -> line.startsWith("vmlab: ")).count())
                    .as(String.join(" ", args) + ": " + o.err()).isEqualTo(1);
        }
        assertThat(vmlab("run", "toyos", "--cpu", "hardware", "--mem", "identity", "--migrate-at", "100").err())
                .contains("cannot be captured").contains("identity");
    }

    @Test
    void theExperimentTablesEveryWorkloadAndTheDirtierAndWritesJsonAndSvg(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("migration.json");
        Path svg = dir.resolve("migration.svg");

        Outcome o = vmlab("experiment", "migration", "-q", "--json", json.toString(), "--svg", svg.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        for (String workload : Toyos.workloads()) {
            assertThat(o.out()).containsPattern("(?m)^" + workload + " +hardware\\+nested .* equivalent$");
            assertThat(o.out()).containsPattern("(?m)^" + workload + " +trap-emulate\\+shadow .* equivalent$");
        }
        assertThat(o.out()).containsPattern("(?m)^dirtier +hardware\\+nested .*did not converge +equivalent$");
        JsonNode data = new ObjectMapper().readTree(json.toFile());
        assertThat(data.get("configuration").get("cyclesPerPage").asLong()).isEqualTo(32_768);
        assertThat(data.get("migrations")).hasSize(2 * (Toyos.workloads().size() + 1));
        assertThat(data.get("migrations").findValuesAsText("equivalence")).allMatch(e -> e.equals("equivalent"));
        assertThat(Files.readString(svg)).contains("<svg").contains("Live migration").contains("dirtier");
    }
}
