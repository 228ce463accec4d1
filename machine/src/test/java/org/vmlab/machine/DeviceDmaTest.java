package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.device.NetworkInterface;

/**
 * Device DMA seen from the guest: programs that drive the disk and the network interface through
 * their ports and registers, sleep in {@code hlt} until the device interrupts, and find the data
 * in memory. Nothing here calls a device's Java API; the devices are observed only through what
 * the guest sees and what the run records.
 */
class DeviceDmaTest {
    private static Machine machine(DeviceConfig devices, String source) throws AssemblyException {
        Machine machine = new Machine(MachineConfig.builder().memoryBytes(1 << 20).fuel(1_000_000)
                .devices(devices).build());
        machine.load(Assembler.assembleSource(source));
        return machine;
    }

    /** A disk whose sector s is filled with the byte s + 1. */
    private static byte[] diskImage(int sectors) {
        byte[] image = new byte[sectors * BlockDevice.SECTOR_SIZE];
        for (int s = 0; s < sectors; s++) {
            Arrays.fill(image, s * BlockDevice.SECTOR_SIZE, (s + 1) * BlockDevice.SECTOR_SIZE, (byte) (s + 1));
        }
        return image;
    }

    static final String DISK_READ = """
                    .equ BUFFER, 0x10000
                    .org 0x1000
            start:  li   sp, 0x9000
                    la   r1, idt
                    lidt r1
                    la   r2, disk_isr
                    sw   r2, 34*4(r1)       ; vector 32 + line 2
                    addi r2, r0, 3
                    out  0x1f0, r2          ; first sector 3
                    addi r2, r0, 2
                    out  0x1f1, r2          ; two sectors
                    li   r2, BUFFER
                    out  0x1f2, r2          ; DMA address
                    addi r2, r0, 1
                    in   r9, 0x41           ; the tick before the command
                    out  0x1f3, r2          ; read
                    sti
            wait:   hlt
                    cmpi r10, 0
                    beq  wait
                    cli
                    hlt

            disk_isr:
                    addi sp, sp, 4          ; drop the error code
                    in   r11, 0x1f4         ; status
                    out  0x1f4, r0          ; clear done
                    addi r12, r0, 0x20
                    out  0x20, r12          ; end of interrupt
                    addi r10, r0, 1
                    iret

                    .align 4
            idt:    .space 1024
            """;

    @Test
    void aGuestReadsSectorsByDmaSleepingInHltUntilTheDiskInterrupts() throws AssemblyException {
        byte[] image = diskImage(8);
        Machine machine = machine(DeviceConfig.defaults().withDiskImage(image), DISK_READ);

        RunResult result = machine.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        byte[] buffer = machine.memory().read(0x10000, 2 * BlockDevice.SECTOR_SIZE);
        assertThat(buffer).isEqualTo(Arrays.copyOfRange(image, 3 * 512, 5 * 512));
        assertThat(machine.memory().readByte(0x10000 + 1024)).as("nothing beyond the request").isZero();
        Cpu cpu = machine.cpu();
        assertThat(cpu.register(11)).as("status seen by the handler").isEqualTo(BlockDevice.STATUS_DONE);
        DiskRequest request = result.observables().diskRequests().get(0);
        assertThat(request.op()).isEqualTo(DiskRequest.Op.READ);
        assertThat(request.sector()).isEqualTo(3);
        assertThat(request.count()).isEqualTo(2);
        assertThat(request.ok()).isTrue();
        long commandTick = cpu.register(9) + 1L;
        assertThat(request.tick()).as("1000 + 100 * count ticks after the command").isEqualTo(commandTick + 1200);
        assertThat(result.ticks() - result.instructions()).as("ticks skipped waiting in hlt").isGreaterThan(1000);
    }

    private static final String FRAME_TEXT = "hello, wire";

    static final String ECHO = """
                    .equ NIC, 0xF0000000
                    .org 0x1000
            start:  li   sp, 0x9000
                    la   r1, idt
                    lidt r1
                    la   r2, nic_isr
                    sw   r2, 35*4(r1)       ; vector 32 + line 3
                    la   r1, NIC
                    la   r2, tx_ring
                    sw   r2, 0x00(r1)       ; TX_BASE
                    addi r2, r0, 4
                    sw   r2, 0x04(r1)       ; TX_SIZE
                    la   r2, rx_ring
                    sw   r2, 0x10(r1)       ; RX_BASE
                    addi r2, r0, 4
                    sw   r2, 0x14(r1)       ; RX_SIZE
                    addi r2, r0, 3
                    sw   r2, 0x1c(r1)       ; RX_TAIL: three empty buffers offered
                    addi r2, r0, 2
                    sw   r2, 0x24(r1)       ; IMS: interrupt on frame received
                    addi r2, r0, 1
                    in   r9, 0x41           ; the tick, then five plain instructions
                    addi r0, r0, 0
                    addi r0, r0, 0
                    addi r0, r0, 0
                    addi r0, r0, 0
                    addi r0, r0, 0
                    sw   r2, 0x0c(r1)       ; TX_TAIL = 1: send descriptor 0, at tick r9 + 6
                    sti
            wait:   hlt
                    cmpi r10, 0
                    beq  wait
                    lw   r8, 0x08(r1)       ; TX_HEAD
                    lw   r7, 0x18(r1)       ; RX_HEAD
                    cli
                    hlt

            nic_isr:
                    addi sp, sp, 4
                    la   r3, NIC
                    lw   r11, 0x20(r3)      ; ICR: the causes, cleared by reading
                    addi r12, r0, 0x20
                    out  0x20, r12
                    addi r10, r0, 1
                    iret

                    .align 16
            tx_ring: .word frame, frame_end - frame, 0, 0
                    .space 3 * 16
            rx_ring: .word 0x12000, 2048, 0, 0
                    .word 0x12800, 2048, 0, 0
                    .word 0x13000, 2048, 0, 0
                    .space 16
            frame:  .ascii "hello, wire"
            frame_end:
                    .align 4
            idt:    .space 1024
            """;

    @Test
    void aGuestSendsAFrameThroughTheTransmitRingAndReceivesTheEcho() throws AssemblyException {
        Machine machine = machine(DeviceConfig.defaults(), ECHO);

        RunResult result = machine.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        byte[] sent = FRAME_TEXT.getBytes(StandardCharsets.US_ASCII);
        int rxRing = machine.symbols().address("rx_ring").orElseThrow();
        int txRing = machine.symbols().address("tx_ring").orElseThrow();
        assertThat(machine.memory().read(0x12000, sent.length)).as("echo in the first buffer").isEqualTo(sent);
        assertThat(machine.memory().readWord(rxRing + NetworkInterface.DESC_LENGTH)).isEqualTo(sent.length);
        assertThat(machine.memory().readWord(rxRing + NetworkInterface.DESC_STATUS)).isEqualTo(NetworkInterface.STATUS_DONE);
        assertThat(machine.memory().readWord(txRing + NetworkInterface.DESC_STATUS)).isEqualTo(NetworkInterface.STATUS_DONE);
        Cpu cpu = machine.cpu();
        assertThat(cpu.register(11) & NetworkInterface.CAUSE_RX).as("ICR said frame received").isNotZero();
        assertThat(cpu.register(8)).as("TX_HEAD").isEqualTo(1);
        assertThat(cpu.register(7)).as("RX_HEAD").isEqualTo(1);

        long tailWrite = cpu.register(9) + 6L;
        assertThat(result.observables().frames()).containsExactly(
                new Frame(tailWrite + 500, Frame.Direction.SENT, sent),
                new Frame(tailWrite + 500 + 2000, Frame.Direction.RECEIVED, sent));
    }
}
