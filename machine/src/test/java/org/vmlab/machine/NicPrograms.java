package org.vmlab.machine;

/**
 * A guest program for the exactness tests of the machine and of the VMM: it sends one frame with
 * the network interface's interrupt masked, waits until the frame is sent (transmit done set in
 * ICR, TX_HEAD 1 in r6), runs {@code before}, then writes IMS ({@code docs/devices.md}: line 3
 * rises with that very store), runs {@code after} and halts. The handler of vector 35, at
 * {@code nic}, puts 35 in r13 and halts.
 */
public final class NicPrograms {
    private NicPrograms() {
    }

    public static String imsWrite(String before, String after) {
        return """
                        .org 0x1000
                start:  li   r1, 0xF000_0000
                        li   r2, 0x5000
                        sw   r2, 0x00(r1)       ; TX_BASE: the ring below
                        addi r2, r0, 2
                        sw   r2, 0x04(r1)       ; TX_SIZE
                        addi r2, r0, 1
                        sw   r2, 0x0C(r1)       ; TX_TAIL: send descriptor 0
                        li   r5, 200
                wait:   addi r5, r5, -1         ; 600 ticks: the frame goes at 500
                        cmpi r5, 0
                        bne  wait
                        lw   r6, 0x08(r1)       ; TX_HEAD: 1 once sent
                """ + before + """
                        addi r2, r0, 1
                ims:    sw   r2, 0x24(r1)       ; IMS: transmit done may now interrupt
                """ + after + """
                        hlt
                nic:    addi r13, r0, 35
                        hlt
                        .org 0x5000
                        .word 0x5100, 64, 0, 0  ; the descriptor: 64 bytes at 0x5100
                """;
    }
}
