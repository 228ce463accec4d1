package org.vmlab.guests;

import java.util.function.Supplier;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Popek and Goldberg's resource control, tested: an attacking guest runs in a VM beside a victim
 * VM, on one machine, and must neither reach the victim's memory nor keep the CPU from it.
 *
 * <p>The victim holds the secret in its own guest memory and runs toyos's {@code syscall}
 * workload. A memory attack is contained when it reports no secret and the victim's secret is
 * intact; an attack on the CPU, when the victim still runs to its end while the attacker spins.
 */
public final class Containment {
    /** Where in the victim's guest memory the secret is: a frame toyos never uses. */
    public static final int VICTIM_SECRET = 0x00BF_0000;   // below toyos's user image; kalloc never gets there
    private static final String VICTIM_WORKLOAD = "syscall";

    private Containment() {
    }

    /**
     * The verdict on one attack.
     *
     * @param attack    the attack
     * @param contained true if the VMM kept the attacker to its own resources
     * @param evidence  one line: what the attacker reported, and what became of the victim
     */
    public record Verdict(Attack attack, boolean contained, String evidence) {
    }

    /** Runs {@code attack} in a VM beside a victim, both built with the given techniques. */
    public static Verdict check(Attack attack, IsaVariant isa, Supplier<CpuVirtualization> cpu,
            Supplier<MemoryVirtualization> memory) {
        AttackSetup setup = AttackSetup.DEFAULT;
        CpuVirtualization attackers = cpu.get();
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(setup.machineEnd())
                .vt(attackers.needsVt()).fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine attacker = vmm.create(VmConfig.named("attacker").withFuel(Attacks.FUEL), attackers, memory.get());
        VirtualMachine victim = vmm.create(VmConfig.named("victim").withFuel(Toyos.FUEL), cpu.get(), memory.get());
        attacker.load(Attacks.image(attack, setup));
        Toyos.boot(victim, Toyos.image(Toyos.Flavor.NATIVE), VICTIM_WORKLOAD);
        byte[] secret = secret();
        victim.memory().write(VICTIM_SECRET, secret);

        vmm.run();

        RunResult attackerRun = attacker.result();
        RunResult victimRun = victim.result();
        boolean victimFinished = victimRun.stopReason() == StopReason.HALT
                && victimRun.console().equals(Toyos.expectedOutput(VICTIM_WORKLOAD));
        boolean secretIntact = java.util.Arrays.equals(victim.memory().read(VICTIM_SECRET, secret.length), secret);
        // An attack on the CPU "succeeds" by its own measure under any VMM (only fuel ends its
        // spin); it is contained when the victim still gets the CPU and finishes.
        boolean attackerFailed = attack.goal() == Attack.Goal.KEEP_CPU
                || attack.outcome(attackerRun) != Attack.Outcome.SUCCEEDED;
        boolean contained = attackerFailed && secretIntact && victimFinished;
        String said = attack.report(attackerRun.console()).orElse("no report (" + attackerRun.stopReason() + ")");
        return new Verdict(attack, contained, said + "; the victim " + (victimFinished ? "finished" : "did NOT finish")
                + (secretIntact ? "" : ", its secret was overwritten"));
    }

    /** The secret's bytes, as {@link Attacks#plantSecret} lays them out. */
    private static byte[] secret() {
        org.vmlab.machine.memory.PhysicalMemory scratch = new org.vmlab.machine.memory.PhysicalMemory(4096);
        Attacks.plantSecret(scratch, 0);
        return scratch.read(0, 4 * Attacks.SECRET_WORDS);
    }
}
