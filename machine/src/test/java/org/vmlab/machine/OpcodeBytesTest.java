package org.vmlab.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Opcode;

class OpcodeBytesTest {

    @Test
    void everyConstantIsItsOpcodesByte() throws IllegalAccessException {
        int checked = 0;
        for (Field f : OpcodeBytes.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                assertEquals(Opcode.valueOf(f.getName()).code(), f.getInt(null), f.getName());
                checked++;
            }
        }
        assertEquals(46, checked, "the inner loop's instructions, ADD to BGEU");
    }

    @Test
    void theByteOfAnUndecodedSlotIsNoInstruction() {
        // DecodedCache keeps word 0 in a slot not decoded: its byte must fall to the slow path.
        assertEquals(null, Opcode.fromCode(0));
    }
}
