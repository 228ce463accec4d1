package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.DeviceConfig;

/**
 * A machine holds all of its state itself: many machines run at once in one JVM, each on its own
 * thread, and each gets the result it gets alone. A shared (static) register file, TLB, clock,
 * device or decode cache would mix their runs up.
 */
class MachineIsolationTest {
    private static final int MACHINES = 16;

    /**
     * Sums 1..N under timer interrupts, reads disk sector 0 by DMA, and prints its own letter and
     * the first byte of the sector. N (1..16) and the disk's contents differ between machines.
     */
    private static final String GUEST = """
                    .org 0x1000
            start:  li   sp, 0x9000
                    la   r1, timer
                    sw   r1, 128(r0)
                    la   r1, disk
                    sw   r1, 136(r0)
                    addi r1, r0, 50 + N
                    out  0x40, r1           ; a different timer period per machine
                    addi r1, r0, 1
                    out  0x1f1, r1
                    li   r1, 0x5000
                    out  0x1f2, r1
                    addi r1, r0, 1
                    out  0x1f3, r1          ; read sector 0 to 0x5000
                    sti
                    li   r2, N * 100
                    mov  r3, r0
            sum:    add  r3, r3, r2
                    addi r2, r2, -1
                    cmpi r2, 0
                    bne  sum
            wait:   cmpi r11, 0             ; the disk may still be busy
                    bne  done
                    hlt
                    jmp  wait
            done:   cli
                    addi r4, r0, 'a' + N
                    out  0x3f8, r4
                    li   r5, 0x5000
                    lbu  r4, 0(r5)
                    out  0x3f8, r4
                    hlt
            timer:  addi r10, r10, 1
                    addi r12, r0, 0x20
                    out  0x20, r12
                    addi sp, sp, 4
                    iret
            disk:   addi r11, r0, 1
                    out  0x1f4, r0
                    addi r12, r0, 0x20
                    out  0x20, r12
                    addi sp, sp, 4
                    iret
            """;

    private static RunResult run(int n) throws Exception {
        byte[] disk = new byte[BlockDevice.SECTOR_SIZE];
        java.util.Arrays.fill(disk, (byte) ('A' + n));
        Machine machine = new Machine(MachineConfig.builder().memoryBytes(1 << 20).fuel(10_000_000)
                .devices(DeviceConfig.defaults().withDiskImage(disk)).build());
        machine.load(Assembler.assembleSource("guest.s", GUEST, Map.of("N", n)));
        return machine.run();
    }

    @Test
    void machinesRunningInParallelThreadsEachGetTheResultTheyGetAlone() throws Exception {
        List<RunResult> alone = new ArrayList<>();
        for (int n = 0; n < MACHINES; n++) {
            alone.add(run(n + 1));
        }

        ExecutorService pool = Executors.newFixedThreadPool(MACHINES);
        try {
            CyclicBarrier start = new CyclicBarrier(MACHINES);
            List<Future<RunResult>> together = new ArrayList<>();
            for (int n = 0; n < MACHINES; n++) {
                int id = n + 1;
                together.add(pool.submit(() -> {
                    start.await();
                    return run(id);
                }));
            }
            for (int n = 1; n <= MACHINES; n++) {
                RunResult result = together.get(n - 1).get(60, TimeUnit.SECONDS);
                long sum = (long) n * 100 * (n * 100 + 1) / 2;
                assertThat(result.stopReason()).as("machine %d", n).isEqualTo(StopReason.HALT);
                assertThat(result.observables().cpu().registers()[3]).as("machine %d's sum", n).isEqualTo((int) sum);
                assertThat(result.console()).as("machine %d's output", n)
                        .isEqualTo("" + (char) ('a' + n) + (char) ('A' + n));
                assertThat(result).as("machine %d, in parallel and alone", n).isEqualTo(alone.get(n - 1));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
