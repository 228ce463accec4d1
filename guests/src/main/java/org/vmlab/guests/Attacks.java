package org.vmlab.guests;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Builds the hostile guests ({@link Attack}) and plants the secret they are after.
 *
 * <p>The secret is {@link #SECRET_WORDS} words at a frame's start: {@link #SECRET_MAGIC} and its
 * complement, twice. No attack image contains either word, so a scan can only find a planted
 * one. On bare metal:
 *
 * <pre>{@code
 * Machine m = new Machine(Attacks.bareMetal(AttackSetup.DEFAULT));
 * Attacks.boot(m, Attack.MAP_FOREIGN, AttackSetup.DEFAULT);   // secret planted, image loaded
 * Attack.MAP_FOREIGN.outcome(m.run());                        // SUCCEEDED
 * }</pre>
 *
 * Under a VMM the image goes into the VM and the secret into a machine frame the VM does not
 * own ({@link #plantSecret}); the attack must then not succeed.
 */
public final class Attacks {
    /** The directory of the sources, as a classpath resource path. */
    public static final String SOURCE_DIR = "org/vmlab/guests/attacks/";
    /** The secret's first word; the second is its complement ({@code attack.s} knows both). */
    public static final int SECRET_MAGIC = 0x5EC2E7A5;
    /** The secret's length in words. */
    public static final int SECRET_WORDS = 4;
    /** What {@code dma-write} writes over the secret, every word. */
    public static final int DMA_MARKER = 0x0BADD0DE;
    /** Fuel for a bare-metal run: every attack but the spinning ones halts well within it. */
    public static final long FUEL = 2_000_000L;

    private Attacks() {
    }

    /** The image of {@code attack}, assembled with {@code setup}'s defines. */
    public static Image image(Attack attack, AttackSetup setup) {
        Assembler assembler = new Assembler(SourceLoader.classpath(Attacks.class.getClassLoader()));
        try {
            return assembler.assemble(attack.source(), setup.defines());
        } catch (AssemblyException e) {
            throw new IllegalStateException(attack.id() + " does not assemble: " + e.getMessage(), e);
        }
    }

    /** A bare machine on which every attack can succeed: RAM up to the setup's machine end. */
    public static MachineConfig bareMetal(AttackSetup setup) {
        return MachineConfig.builder().memoryBytes(setup.machineEnd()).fuel(FUEL).build();
    }

    /** On a fresh bare machine: plants the secret at the setup's address and loads the attack. */
    public static void boot(Machine machine, Attack attack, AttackSetup setup) {
        plantSecret(machine.memory(), setup.secretAddress());
        machine.load(image(attack, setup));
    }

    /** Writes the secret at physical {@code address} (a frame's start) of {@code memory}. */
    public static void plantSecret(PhysicalMemory memory, int address) {
        for (int i = 0; i < SECRET_WORDS; i++) {
            memory.writeWord(address + 4 * i, secretWord(i));
        }
    }

    /** True if the secret planted at {@code address} is still there, word for word. */
    public static boolean secretIntact(PhysicalMemory memory, int address) {
        for (int i = 0; i < SECRET_WORDS; i++) {
            if (memory.readWord(address + 4 * i) != secretWord(i)) {
                return false;
            }
        }
        return true;
    }

    private static int secretWord(int i) {
        return i % 2 == 0 ? SECRET_MAGIC : ~SECRET_MAGIC;
    }
}
