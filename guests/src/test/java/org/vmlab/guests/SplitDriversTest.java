package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.image.Image;

/**
 * toyos's split drivers (SPLIT=1, docs/toyos.md "Split drivers") are a build of the paravirtual
 * kernel only, and leave every other build exactly as it was. Running them needs split back ends
 * (device-module); solutions' SplitToyosTest boots them.
 */
class SplitDriversTest {
    private static final String[] FRONT_END_SYMBOLS = {"blkfront_init", "blkfront_submit",
        "blkfront_intr", "blkfront", "netfront", "netfront_init", "netfront_intr", "netfront_tx_gc", "netfront_rx_post",
        "gnttab_init", "ring_push", "ring_final_check"};

    @Test
    void theSplitBuildAssemblesWithBothFrontEnds() {
        Image split = Toyos.image(Toyos.Flavor.PARAVIRT, Toyos.Drivers.SPLIT);

        for (String symbol : FRONT_END_SYMBOLS) {
            assertThat(split.symbols().address(symbol)).as(symbol).isPresent();
        }
        // The kernel keeps its interface: the system calls reach the same entry points.
        assertThat(split.symbols().address("disk_rw")).isPresent();
        assertThat(split.symbols().address("net_send")).isPresent();
        assertThat(split.symbols().address("net_recv")).isPresent();
        // The front ends' handlers are the ones the event dispatch calls.
        assertThat(split.symbols().address("disk_intr")).isEqualTo(split.symbols().address("blkfront_intr"));
        assertThat(split.symbols().address("net_intr")).isEqualTo(split.symbols().address("netfront_intr"));
        assertThat(split.segment("kernel")).hasValueSatisfying(s ->
                assertThat(s.end()).isLessThanOrEqualTo(0x80000));
    }

    @ParameterizedTest
    @EnumSource(Toyos.Flavor.class)
    void theEmulatedBuildsAreByteForByteTheBuildsThatKnowNothingOfSplit(Toyos.Flavor flavor)
            throws AssemblyException, IOException {
        // Assembled as before SPLIT existed: PARAVIRT alone, SPLIT left to its default.
        Image before = new Assembler(SourceLoader.classpath(Toyos.class.getClassLoader()))
                .assemble(Toyos.MAIN_SOURCE, Map.of("PARAVIRT", flavor == Toyos.Flavor.PARAVIRT ? 1 : 0));
        Image image = Toyos.image(flavor);

        assertThat(bytes(image)).isEqualTo(bytes(before));
        assertThat(bytes(Toyos.image(flavor, Toyos.Drivers.EMULATED))).isEqualTo(bytes(before));
        for (String symbol : FRONT_END_SYMBOLS) {
            assertThat(image.symbols().address(symbol)).as(symbol).isEmpty();
        }
    }

    @Test
    void theNativeKernelHasNoSplitDrivers() {
        assertThatThrownBy(() -> Toyos.image(Toyos.Flavor.NATIVE, Toyos.Drivers.SPLIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paravirtual");
        assertThatThrownBy(() -> new Assembler(SourceLoader.classpath(Toyos.class.getClassLoader()))
                .assemble(Toyos.MAIN_SOURCE, Map.of("PARAVIRT", 0, "SPLIT", 1)))
                .isInstanceOf(AssemblyException.class).hasMessageContaining("SPLIT=1");
    }

    @Test
    void theSplitKernelBindsNoInterruptLineForTheDiskOrTheNetwork() {
        // xen_start binds VIRQ_TIMER only: the front ends' ports are allocated for domain 0.
        Image paravirt = Toyos.image(Toyos.Flavor.PARAVIRT);
        Image split = Toyos.image(Toyos.Flavor.PARAVIRT, Toyos.Drivers.SPLIT);
        int between = paravirt.symbols().address("xen_m2p_toobig").orElseThrow()
                - paravirt.symbols().address("xen_m2p_done").orElseThrow();
        int splitBetween = split.symbols().address("xen_m2p_toobig").orElseThrow()
                - split.symbols().address("xen_m2p_done").orElseThrow();
        assertThat(splitBetween).isLessThan(between);
    }

    private static byte[] bytes(Image image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        image.write(out);
        return out.toByteArray();
    }
}
