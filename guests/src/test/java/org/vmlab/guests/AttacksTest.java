package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Segment;

/** On bare metal every attack succeeds: what a VMM must prevent is real. */
class AttacksTest {
    private static final AttackSetup SETUP = AttackSetup.DEFAULT;

    private static RunResult attack(Attack attack, AttackSetup setup, Machine machine) {
        Attacks.boot(machine, attack, setup);
        return machine.run();
    }

    private static RunResult attack(Attack attack) {
        return attack(attack, SETUP, new Machine(Attacks.bareMetal(SETUP)));
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void everyAttackSucceedsOnBareMetal(Attack attack) {
        RunResult result = attack(attack);

        assertThat(attack.outcome(result)).as(result.console()).isEqualTo(Attack.Outcome.SUCCEEDED);
    }

    @ParameterizedTest
    @EnumSource(value = Attack.class, names = {"MAP_FOREIGN", "WRITE_PAGETABLE", "READ_VMM", "DMA_READ"})
    void theReadersFindTheSecretWhereItWasPlantedAndPowerOff(Attack attack) {
        RunResult result = attack(attack);

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(result.console()).isEqualTo(
                "attack " + attack.id() + ": found the secret at physical 0x02000000\n");
    }

    @ParameterizedTest
    @EnumSource(value = Attack.class, names = {"MAP_FOREIGN", "WRITE_PAGETABLE", "READ_VMM", "DMA_READ"})
    void withNoSecretPlantedTheyReportFailure(Attack attack) {
        Machine machine = new Machine(Attacks.bareMetal(SETUP));
        machine.load(Attacks.image(attack, SETUP));
        RunResult result = machine.run();

        assertThat(attack.outcome(result)).isEqualTo(Attack.Outcome.FAILED);
        assertThat(attack.report(result.console())).hasValueSatisfying(line ->
                assertThat(line).startsWith("attack " + attack.id() + ": no secret found (read 0x"));
    }

    @Test
    void mapForeignFindsTheSecretInAnyFrame() {
        Machine machine = new Machine(Attacks.bareMetal(SETUP));
        Attacks.plantSecret(machine.memory(), 0x03FF_F000);   // the machine's last frame
        machine.load(Attacks.image(Attack.MAP_FOREIGN, SETUP));

        assertThat(machine.run().console())
                .isEqualTo("attack map-foreign: found the secret at physical 0x03fff000\n");
    }

    @Test
    void dmaWriteOverwritesTheSecret() {
        Machine machine = new Machine(Attacks.bareMetal(SETUP));
        RunResult result = attack(Attack.DMA_WRITE, SETUP, machine);

        assertThat(result.console()).isEqualTo(
                "attack dma-write: overwrote physical 0x02000000 (disk status 0x00000004)\n");
        assertThat(Attacks.secretIntact(machine.memory(), SETUP.secretAddress())).isFalse();
        assertThat(machine.memory().readWord(SETUP.secretAddress())).isEqualTo(Attacks.DMA_MARKER);
        assertThat(result.observables().diskRequests()).hasSize(2)
                .allSatisfy(request -> assertThat(request.ok()).isTrue());
    }

    @Test
    void dmaIntoMemoryThatDoesNotExistFails() {
        AttackSetup beyondRam = new AttackSetup(0x0200_0000, 0x0400_0000);
        Machine small = new Machine(MachineConfig.builder().fuel(Attacks.FUEL).build());   // 16 MiB
        small.load(Attacks.image(Attack.DMA_WRITE, beyondRam));
        RunResult result = small.run();

        assertThat(Attack.DMA_WRITE.outcome(result)).isEqualTo(Attack.Outcome.FAILED);
        assertThat(result.console()).isEqualTo(
                "attack dma-write: could not write physical 0x02000000 (disk status 0x00000002)\n");
    }

    @ParameterizedTest
    @EnumSource(value = Attack.class, names = {"INTERRUPTS_OFF", "PIC_MASK"})
    void theSpinnersKeepTheMachineUntilItsFuelRunsOut(Attack attack) {
        Machine machine = new Machine(Attacks.bareMetal(SETUP));
        RunResult result = attack(attack, SETUP, machine);

        assertThat(result.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(result.instructions()).isEqualTo(Attacks.FUEL);
        assertThat(machine.symbols().describe(machine.cpu().pc())).startsWith("spin");
        assertThat(result.counters()).doesNotContainKey("vector.32");   // the timer never got in
        assertThat(attack.report(result.console())).hasValueSatisfying(line ->
                assertThat(line).endsWith("spinning"));
    }

    @Test
    void aGuestStoppedBeforeItReportsHasNoOutcome() {
        Machine machine = new Machine(MachineConfig.builder()
                .memoryBytes(SETUP.machineEnd()).fuel(50).build());
        RunResult result = attack(Attack.READ_VMM, SETUP, machine);

        assertThat(Attack.READ_VMM.outcome(result)).isEqualTo(Attack.Outcome.NO_REPORT);
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void noAttackImageHoldsTheSecretsWords(Attack attack) {
        for (Segment segment : Attacks.image(attack, SETUP).segments()) {
            byte[] bytes = segment.bytes();
            for (int i = 0; i + 4 <= bytes.length; i += 4) {
                int word = (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8
                        | (bytes[i + 2] & 0xFF) << 16 | (bytes[i + 3] & 0xFF) << 24;
                assertThat(word).isNotEqualTo(Attacks.SECRET_MAGIC).isNotEqualTo(~Attacks.SECRET_MAGIC);
            }
        }
    }

    @Test
    void theCatalogIsComplete() {
        assertThat(Attack.all()).extracting(Attack::id).containsExactly("map-foreign",
                "write-pagetable", "read-vmm", "dma-read", "dma-write", "interrupts-off", "pic-mask");
        assertThat(Attack.all()).allSatisfy(a -> {
            assertThat(a.description()).isNotBlank();
            assertThat(a.containedBy()).isNotBlank();
        });
        assertThat(Attack.named("MAP-FOREIGN")).isEqualTo(Attack.MAP_FOREIGN);
        assertThatThrownBy(() -> Attack.named("idt-escape")).hasMessageContaining("map-foreign");
    }

    @Test
    void theSetupIsChecked() {
        assertThatThrownBy(() -> new AttackSetup(0x0200_0010, 0x0400_0000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttackSetup(0x0200_0000, 0x0410_0000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttackSetup(0x0800_0000, 0x0400_0000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SETUP.defines()).containsEntry("SECRET_ADDR", 0x0200_0000)
                .containsEntry("MACHINE_END", 0x0400_0000);
    }
}
