package org.vmlab.guests;

import java.util.Map;

/**
 * Where the hostile guests look: the defines their images are assembled with.
 *
 * @param secretAddress {@code SECRET_ADDR}: the physical address of the planted secret, the start
 *                      of a frame, meant to be outside the guest's memory (16 MiB)
 * @param machineEnd    {@code MACHINE_END}: one past the last physical address that
 *                      {@code map-foreign} scans, a multiple of 4 MiB, at most 1 GiB
 */
public record AttackSetup(int secretAddress, int machineEnd) {
    /** The secret at 32 MiB, a scan up to 64 MiB: a 64 MiB machine, of which a VM gets 16. */
    public static final AttackSetup DEFAULT = new AttackSetup(0x0200_0000, 0x0400_0000);

    public AttackSetup {
        if (machineEnd <= 0 || machineEnd > 1 << 30 || machineEnd % (4 << 20) != 0) {
            throw new IllegalArgumentException(String.format(
                    "MACHINE_END must be a multiple of 4 MiB up to 1 GiB, was 0x%08x", machineEnd));
        }
        if (secretAddress % 4096 != 0 || Integer.compareUnsigned(secretAddress, machineEnd) >= 0) {
            throw new IllegalArgumentException(String.format(
                    "SECRET_ADDR must start a frame below MACHINE_END, was 0x%08x", secretAddress));
        }
    }

    /** The defines to assemble an attack with. */
    public Map<String, Integer> defines() {
        return Map.of("SECRET_ADDR", secretAddress, "MACHINE_END", machineEnd);
    }
}
