package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.vmlab.machine.compiled.CompiledEngine;

/**
 * The compiled engine on the fuzzer's machines ({@link MachineFuzzProperties}: random memory and
 * entry, random interrupt tables, paging, ring 3, a timer), with or without a monitor taking every
 * trap, in pauses of random length: the same run as the interpreter's, figure for figure.
 */
class CompiledEngineFuzzProperties {

    @Property(tries = 200, seed = "1616")
    void theCompiledEngineRunsTheFuzzersMachinesAsTheInterpreter(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int threshold, @ForAll boolean monitored,
            @ForAll @IntRange(min = 1, max = 400) int most) {
        ExitControls exits = monitored ? ExitControls.EVERY_TRAP : ExitControls.NONE;
        MachineFuzzProperties.Setup reference = MachineFuzzProperties.randomMachine(new Random(seed));
        MachineFuzzProperties.Setup compiled = MachineFuzzProperties.randomMachine(new Random(seed),
                port -> new CompiledEngine(port, threshold));
        Cpu expected = reference.machine().cpu();
        Cpu actual = compiled.machine().cpu();
        expected.setExitControls(exits);
        actual.setExitControls(exits);
        long fuel = reference.machine().config().fuel();
        Random pauses = new Random(seed);
        String setup = reference.description();
        StopReason stop;
        long until;
        do {
            until = expected.instructions() + 1 + pauses.nextInt(most);
            stop = expected.run(fuel, until);
            assertThat(actual.run(fuel, until)).as(setup).isEqualTo(stop);
            assertThat(actual.stopDetail()).as(setup).isEqualTo(expected.stopDetail());
            assertThat(actual.lastTrap()).as(setup).isEqualTo(expected.lastTrap());
            assertThat(actual.snapshot()).as(setup).isEqualTo(expected.snapshot());
            assertThat(compiled.machine().counters()).as(setup).isEqualTo(reference.machine().counters());
            assertThat(compiled.machine().cycles()).as(setup).isEqualTo(reference.machine().cycles());
            assertThat(compiled.machine().memory().digest()).as(setup)
                    .isEqualTo(reference.machine().memory().digest());
        } while (stop == StopReason.FUEL_EXHAUSTED && expected.instructions() == until && until < fuel);
    }
}
