package org.vmlab.machine.compiled;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.BIPUSH;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.I2L;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IALOAD;
import static org.objectweb.asm.Opcodes.IAND;
import static org.objectweb.asm.Opcodes.IASTORE;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.IMUL;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.IOR;
import static org.objectweb.asm.Opcodes.ISHL;
import static org.objectweb.asm.Opcodes.ISHR;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.ISUB;
import static org.objectweb.asm.Opcodes.IUSHR;
import static org.objectweb.asm.Opcodes.IXOR;
import static org.objectweb.asm.Opcodes.LAND;
import static org.objectweb.asm.Opcodes.LOR;
import static org.objectweb.asm.Opcodes.LRETURN;
import static org.objectweb.asm.Opcodes.LSHL;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.SIPUSH;
import static org.objectweb.asm.Opcodes.V17;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.vmlab.machine.isa.ConditionCodes;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Compiles a guest basic block to JVM bytecode (ObjectWeb ASM), defined as a hidden class that
 * the JVM unloads once its {@link Block} is dropped.
 *
 * <p>A block is the run of instructions from an address that {@link #handles} takes: register and
 * immediate arithmetic and logic, {@code cmp}, {@code tst}, and the direct and register branches,
 * which end it. None of them can trap, touch memory or a device, or change the ring or IF, so a
 * block needs no check between its instructions: the engine runs it only where the interpreter
 * would look at nothing before its end. The block also ends before any other instruction (the
 * interpreter runs that one), at the end of the page (the next fetch is the interpreter's to
 * translate), and after {@link #MAX_LENGTH} instructions.
 *
 * <p>The generated method keeps the registers it uses in JVM locals, loaded from the register
 * array on entry and stored back on exit: with no trap inside, nothing can observe them between.
 */
public final class BlockCompiler {
    /** The most instructions in one block (a bound on the code of one method, and on its budget). */
    public static final int MAX_LENGTH = 64;

    private static final int MULTIPLY_EXTRA = Opcode.MUL.cycles() - 1;
    private static final String CONDITIONS = Type.getInternalName(ConditionCodes.class);
    // Locals of execute(int[] r, int flags, int pc): 0 this, 1 r, 2 flags, 3 pc, 4..18 r1..r15, 19 next pc.
    private static final int FLAGS = 2;
    private static final int PC = 3;
    private static final int FIRST_REGISTER = 3;   // the local of rN is FIRST_REGISTER + N
    private static final int NEXT_PC = FIRST_REGISTER + Registers.COUNT;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private long blocksCompiled;

    /** True if a compiled block may hold {@code op}: it cannot trap, reach memory, or look at the ring. */
    public static boolean handles(Opcode op) {
        switch (op) {
            case ADD, SUB, AND, OR, XOR, SHL, SHR, SAR, MUL, MOV, CMP, TST,
                 ADDI, ANDI, ORI, XORI, SHLI, SHRI, SARI, LUI, CMPI, MULI,
                 JMP, JR, BEQ, BNE, BLT, BGE, BLE, BGT, BLTU, BGEU:
                return true;
            default:
                return false;
        }
    }

    /** True if {@code op} ends a block after itself: it decides the next pc. */
    public static boolean endsBlock(Opcode op) {
        switch (op) {
            case JMP, JR, BEQ, BNE, BLT, BGE, BLE, BGT, BLTU, BGEU:
                return true;
            default:
                return false;
        }
    }

    /**
     * The instructions the block at physical address {@code pa} holds in {@code memory} (0 if the
     * first is not one {@link #handles} takes).
     */
    public static int span(PhysicalMemory memory, int pa) {
        return scan(memory, pa, any -> true).size();
    }

    /**
     * Compiles the block at physical address {@code pa}, cut before the first instruction whose
     * address {@code admitted} refuses (the engine admits only instructions the interpreter has
     * decoded). Null if the block would be empty.
     */
    public Block compile(PhysicalMemory memory, int pa, IntPredicate admitted) {
        List<int[]> code = scan(memory, pa, admitted);   // each {word, guest pc offset}
        if (code.isEmpty()) {
            return null;
        }
        long extra = 0;
        for (int[] insn : code) {
            Opcode op = Opcode.fromCode(insn[0] >>> 24);
            if (op == Opcode.MUL || op == Opcode.MULI) {
                extra += MULTIPLY_EXTRA;
            }
        }
        byte[] bytes = classFile(code, pa);
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            CompiledBlock block = (CompiledBlock) hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
            blocksCompiled++;
            return new Block(pa, code.size(), extra, block);
        } catch (Throwable t) {
            // A compiler bug, not the guest's: no guest input reaches here unchecked.
            throw new IllegalStateException(String.format("block at 0x%08x did not compile", pa), t);
        }
    }

    /** Blocks compiled so far by this compiler. */
    public long blocksCompiled() {
        return blocksCompiled;
    }

    private static List<int[]> scan(PhysicalMemory memory, int pa, IntPredicate admitted) {
        List<int[]> code = new ArrayList<>();
        int pageEnd = (pa & ~(PhysicalMemory.PAGE_SIZE - 1)) + PhysicalMemory.PAGE_SIZE;
        for (int at = pa; at < pageEnd && code.size() < MAX_LENGTH && admitted.test(at); at += 4) {
            int word = memory.readWord(at);
            Opcode op = Opcode.fromCode(word >>> 24);
            if (op == null || !handles(op)) {
                break;
            }
            code.add(new int[] {word, at - pa});
            if (endsBlock(op)) {
                break;
            }
        }
        return code;
    }

    // --- the class file ---------------------------------------------------------------------

    private static byte[] classFile(List<int[]> code, int pa) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        String name = Type.getInternalName(BlockCompiler.class).replace("BlockCompiler", "GuestBlock");
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object",
                new String[] {Type.getInternalName(CompiledBlock.class)});
        cw.visitSource(String.format("guest block at 0x%08x", pa), null);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "execute", "([III)J", null, null);
        mv.visitCode();
        new Emitter(mv).block(code);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Writes the body of one block's {@code execute}. */
    private static final class Emitter {
        private final MethodVisitor mv;
        private final boolean[] used = new boolean[Registers.COUNT];
        private final boolean[] written = new boolean[Registers.COUNT];

        Emitter(MethodVisitor mv) {
            this.mv = mv;
        }

        void block(List<int[]> code) {
            for (int[] insn : code) {
                int w = insn[0];
                used[(w >>> 20) & 0xF] = true;
                used[(w >>> 16) & 0xF] = true;
                used[(w >>> 12) & 0xF] = true;
            }
            for (int n = 1; n < Registers.COUNT; n++) {
                if (used[n]) {
                    mv.visitVarInsn(ALOAD, 1);
                    push(n);
                    mv.visitInsn(IALOAD);
                    mv.visitVarInsn(ISTORE, FIRST_REGISTER + n);
                }
            }
            int[] last = code.get(code.size() - 1);
            for (int[] insn : code) {
                instruction(Opcode.fromCode(insn[0] >>> 24), insn[0], insn[1]);
            }
            if (!endsBlock(Opcode.fromCode(last[0] >>> 24))) {
                relative(last[1] + 4);   // fell through to an instruction the block does not hold
                mv.visitVarInsn(ISTORE, NEXT_PC);
            }
            for (int n = 1; n < Registers.COUNT; n++) {
                if (written[n]) {
                    mv.visitVarInsn(ALOAD, 1);
                    push(n);
                    mv.visitVarInsn(ILOAD, FIRST_REGISTER + n);
                    mv.visitInsn(IASTORE);
                }
            }
            // (long) flags << 32 | next pc & 0xFFFFFFFF
            mv.visitVarInsn(ILOAD, FLAGS);
            mv.visitInsn(I2L);
            push(32);
            mv.visitInsn(LSHL);
            mv.visitVarInsn(ILOAD, NEXT_PC);
            mv.visitInsn(I2L);
            mv.visitLdcInsn(0xFFFFFFFFL);
            mv.visitInsn(LAND);
            mv.visitInsn(LOR);
            mv.visitInsn(LRETURN);
        }

        /** One instruction at byte {@code offset} of the block, as the interpreter executes it. */
        private void instruction(Opcode op, int w, int offset) {
            int a = (w >>> 20) & 0xF;
            int b = (w >>> 16) & 0xF;
            int c = (w >>> 12) & 0xF;
            switch (op) {
                case ADD -> binary(a, b, c, IADD);
                case SUB -> binary(a, b, c, ISUB);
                case AND -> binary(a, b, c, IAND);
                case OR -> binary(a, b, c, IOR);
                case XOR -> binary(a, b, c, IXOR);
                case SHL -> binary(a, b, c, ISHL);   // the JVM's shifts take the count mod 32, as the machine's
                case SHR -> binary(a, b, c, IUSHR);
                case SAR -> binary(a, b, c, ISHR);
                case MUL -> binary(a, b, c, IMUL);
                case MOV -> {
                    read(b);
                    write(a);
                }
                case ADDI -> immediate(a, b, (short) w, IADD);
                case ANDI -> immediate(a, b, w & 0xFFFF, IAND);
                case ORI -> immediate(a, b, w & 0xFFFF, IOR);
                case XORI -> immediate(a, b, w & 0xFFFF, IXOR);
                case SHLI -> immediate(a, b, w & 31, ISHL);
                case SHRI -> immediate(a, b, w & 31, IUSHR);
                case SARI -> immediate(a, b, w & 31, ISHR);
                case MULI -> immediate(a, b, (short) w, IMUL);
                case LUI -> {
                    push(w << 16);
                    write(a);
                }
                case CMP -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(b);
                    read(c);
                    setFlags("compare", "(III)I");
                }
                case CMPI -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(b);
                    push((short) w);
                    setFlags("compare", "(III)I");
                }
                case TST -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(b);
                    read(c);
                    mv.visitInsn(IAND);
                    setFlags("test", "(II)I");
                }
                case JMP -> {
                    relative(offset + branchOffset(w));
                    mv.visitVarInsn(ISTORE, NEXT_PC);
                }
                case JR -> {
                    read(b);
                    mv.visitVarInsn(ISTORE, NEXT_PC);
                }
                case BEQ -> branch("equal", offset, w);
                case BNE -> branch("notEqual", offset, w);
                case BLT -> branch("less", offset, w);
                case BGE -> branch("greaterOrEqual", offset, w);
                case BLE -> branch("lessOrEqual", offset, w);
                case BGT -> branch("greater", offset, w);
                case BLTU -> branch("below", offset, w);
                case BGEU -> branch("aboveOrEqual", offset, w);
                default -> throw new IllegalArgumentException("not a block instruction: " + op);
            }
        }

        private void binary(int a, int b, int c, int jvmOp) {
            read(b);
            read(c);
            mv.visitInsn(jvmOp);
            write(a);
        }

        private void immediate(int a, int b, int value, int jvmOp) {
            read(b);
            push(value);
            mv.visitInsn(jvmOp);
            write(a);
        }

        private void setFlags(String method, String descriptor) {
            mv.visitMethodInsn(INVOKESTATIC, CONDITIONS, method, descriptor, false);
            mv.visitVarInsn(ISTORE, FLAGS);
        }

        /**
         * A conditional branch at byte {@code offset} of the block: next pc is its target if
         * {@code condition} holds on FLAGS, else the next word.
         */
        private void branch(String condition, int offset, int w) {
            Label notTaken = new Label();
            Label done = new Label();
            mv.visitVarInsn(ILOAD, FLAGS);
            mv.visitMethodInsn(INVOKESTATIC, CONDITIONS, condition, "(I)Z", false);
            mv.visitJumpInsn(IFEQ, notTaken);
            relative(offset + branchOffset(w));
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(notTaken);
            relative(offset + 4);
            mv.visitLabel(done);
            mv.visitVarInsn(ISTORE, NEXT_PC);
        }

        /**
         * Pushes the virtual address {@code distance} bytes from the block's start: the block is
         * compiled once per physical frame, and the same frame may be mapped at any address.
         */
        private void relative(int distance) {
            mv.visitVarInsn(ILOAD, PC);
            push(distance);
            mv.visitInsn(IADD);
        }

        /** r0 reads as zero: it is never loaded. */
        private void read(int n) {
            if (n == 0) {
                mv.visitInsn(ICONST_0);
            } else {
                mv.visitVarInsn(ILOAD, FIRST_REGISTER + n);
            }
        }

        /** A write to r0 is dropped, as the hardware drops it. */
        private void write(int n) {
            if (n == 0) {
                mv.visitInsn(POP);
            } else {
                mv.visitVarInsn(ISTORE, FIRST_REGISTER + n);
                written[n] = true;
            }
        }

        private void push(int value) {
            if (value >= -1 && value <= 5) {
                mv.visitInsn(ICONST_0 + value);
            } else if (value == (byte) value) {
                mv.visitIntInsn(BIPUSH, value);
            } else if (value == (short) value) {
                mv.visitIntInsn(SIPUSH, value);
            } else {
                mv.visitLdcInsn(value);
            }
        }
    }

    /** The byte distance from a branch to its target: the signed 24-bit word offset, plus 4 (docs/isa.md). */
    static int branchOffset(int word) {
        return (((word << 8) >> 8) << 2) + 4;
    }
}
