package org.vmlab.device.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vmlab.guests.Attack;
import org.vmlab.guests.AttackSetup;
import org.vmlab.guests.Attacks;
import org.vmlab.guests.Containment;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.IommuFault;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;

/**
 * The DMA escape that the IOMMU closes. A guest given the real disk programs it with a physical
 * address; it aims at the machine address of another VM's secret. Without the IOMMU the disk
 * takes the address as it is and reads or overwrites the other VM's memory; with it, the address
 * is a guest-physical one outside the VM, the I/O page tables map nothing there, the DMA is
 * blocked, the disk reports an error and the IOMMU logs the fault with the device, the address
 * and the access.
 */
class DmaEscapeTest {
    private static final int MACHINE_BYTES = 64 << 20;

    // Without the IOMMU every address the guest programs is taken as a machine address: its
    // own buffer's too (the guest-physical 0x00200000 is some other machine frame), which is why
    // an unmodified guest cannot even use an assigned device safely without one.

    @Test
    void withoutTheIommuTheAssignedDiskCopiesAnotherVmsSecretOntoTheAttackersDisk() {
        Scene scene = new Scene(Passthrough.unconfined(), Attack.DMA_READ);

        scene.run();

        byte[] sector0 = Arrays.copyOf(scene.attacker.devices().standard().disk().contents(), scene.secret.length);
        assertThat(sector0).as("the victim's secret, now on the attacker's disk").isEqualTo(scene.secret);
        assertThat(scene.vmm.machine().iommu().faults()).isEmpty();
    }

    @Test
    void withoutTheIommuTheAssignedDiskOverwritesAnotherVmsSecret() {
        Scene scene = new Scene(Passthrough.unconfined(), Attack.DMA_WRITE);

        scene.run();

        assertThat(scene.victimSecretIntact()).isFalse();
    }

    @Test
    void theIommuBlocksTheReadAndLogsTheFault() {
        Scene scene = new Scene(Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), Attack.DMA_READ);

        RunResult attacker = scene.run();

        assertThat(Attack.DMA_READ.outcome(attacker)).isNotEqualTo(Attack.Outcome.SUCCEEDED);
        assertThat(scene.victimSecretIntact()).isTrue();
        assertThat(scene.vmm.machine().iommu().faults()).first().satisfies(f -> {
            assertThat(f.sourceId()).isEqualTo(org.vmlab.machine.device.Iommu.SOURCE_DISK);
            assertThat(f.access()).isEqualTo(IommuFault.Access.READ);
            assertThat(f.address()).isEqualTo(scene.target);
        });
    }

    @Test
    void theIommuBlocksTheWriteAndTheVictimFinishes() {
        Scene scene = new Scene(Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), Attack.DMA_WRITE);

        scene.run();

        assertThat(scene.victimSecretIntact()).isTrue();
        assertThat(scene.victim.result().console()).isEqualTo(Toyos.expectedOutput("syscall"));
        assertThat(scene.vmm.machine().iommu().faults()).first()
                .satisfies(f -> assertThat(f.access()).isEqualTo(IommuFault.Access.WRITE));
    }

    /** A victim running toyos with a secret, and an attacker given the machine's devices, aiming at it. */
    private static final class Scene {
        final Hypervisor vmm = PassthroughToyosTest.hypervisor();
        final VirtualMachine victim;
        final VirtualMachine attacker;
        final int target;
        private final byte[] secret;

        Scene(Passthrough devices, Attack attack) {
            // The attacker first: its memory, pinned for the devices, takes the first 16 MiB of
            // the pool, so the victim's secret lies at a machine address beyond them, which as a
            // guest-physical address is outside the attacker's memory.
            attacker = vmm.create(VmConfig.named("attacker").withFuel(Attacks.FUEL),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create(), devices);
            victim = vmm.create(VmConfig.named("victim").withFuel(Toyos.FUEL),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            Toyos.boot(victim, Toyos.image(Toyos.Flavor.NATIVE), "syscall");
            PhysicalMemory scratch = new PhysicalMemory(4096);
            Attacks.plantSecret(scratch, 0);
            secret = scratch.read(0, 4 * Attacks.SECRET_WORDS);
            victim.memory().write(Containment.VICTIM_SECRET, secret);
            target = victim.memory().machineAddress(Containment.VICTIM_SECRET);
            attacker.load(Attacks.image(attack, new AttackSetup(target, MACHINE_BYTES)));
        }

        RunResult run() {
            vmm.run();
            return attacker.result();
        }

        boolean victimSecretIntact() {
            return Arrays.equals(victim.memory().read(Containment.VICTIM_SECRET, secret.length), secret);
        }
    }
}
