package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Attack;
import org.vmlab.guests.Containment;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;

/**
 * Popek and Goldberg's resource control, for the reference VMM: every hostile guest, beside a
 * victim VM, under trap-and-emulate (classic) and binary translation (legacy) with shadow paging,
 * reaches nothing of the victim's and cannot keep the CPU from it.
 */
class ContainmentTest {

    static Stream<Arguments> attacksUnderEachTechnique() {
        return Stream.of(new TrapAndEmulateTechnique(), new BinaryTranslationTechnique())
                .flatMap(cpu -> Attack.all().stream().map(attack -> Arguments.of(attack, cpu)));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("attacksUnderEachTechnique")
    void everyAttackIsContained(Attack attack, CpuTechnique cpu) {
        IsaVariant isa = cpu.name().equals("binary-translation") ? IsaVariant.LEGACY : IsaVariant.CLASSIC;

        Containment.Verdict verdict = Containment.check(attack, isa, cpu::create, new ShadowPagingTechnique()::create);

        assertThat(verdict.contained()).as(verdict.evidence()).isTrue();
    }
}
