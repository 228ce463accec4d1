package org.vmlab.machine.compiled;

import static org.objectweb.asm.Opcodes.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.vmlab.machine.isa.ConditionCodes;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Compiles a guest {@link RegionShape} to JVM bytecode (ObjectWeb ASM), defined as a hidden
 * class, which the JVM unloads once no region refers to it. Compiled code depends only on the
 * region's words and offsets (addresses are relative to the page's virtual base, given at each
 * run), so it is kept in one bounded table for the whole JVM ({@link CodeCache}): a second
 * machine booting the same kernel, or a second run of a test, finds its regions compiled and the
 * JIT's work on them done.
 *
 * <p>The generated method keeps the guest registers it uses in JVM locals, loaded from the
 * register array on entry and stored back at the one exit; each block starts with the budget
 * check, and a branch to a block of the region is a jump. A memory access asks the MMU for the
 * RAM address its TLB holds ({@link Mmu#cachedRamAddress}); when there is none the region stops
 * before the access with everything before it retired (a side exit), so a fault, a walk or a
 * device access is the interpreter's, at its exact instruction. A store that changed compiled
 * code (of any region: {@link RegionRun#codeChanged}) ends the region after it.
 */
public final class RegionCompiler {
    private long regionsCompiled;

    /**
     * The region at physical address {@code pa}, holding only instructions at addresses
     * {@code admitted} accepts (the engine admits those the interpreter has decoded, so that its
     * count of decodes stays the interpreter's); null if the first is not one a region holds.
     */
    Region compile(PhysicalMemory memory, int pa, IntPredicate admitted) {
        RegionShape shape = RegionShape.discover(memory, pa, admitted);
        if (shape == null) {
            return null;
        }
        RegionShape.Key key = shape.key();
        CompiledRegion code = CodeCache.find(key);
        if (code == null) {
            code = CodeCache.keep(key, define(shape, pa));
            regionsCompiled++;
        }
        return new Region(pa, shape.entryBlock().length(), shape.wordIndexes(), code);
    }

    /** Regions this compiler generated code for (not those it found compiled already). */
    long regionsCompiled() {
        return regionsCompiled;
    }

    private static CompiledRegion define(RegionShape shape, int pa) {
        byte[] bytes = classFile(shape, pa);
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (CompiledRegion) hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            // A compiler bug, not the guest's: no guest input reaches here unchecked.
            throw new IllegalStateException(String.format("region at 0x%08x did not compile", pa), t);
        }
    }

    private static byte[] classFile(RegionShape shape, int pa) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        String name = Type.getInternalName(RegionCompiler.class).replace("RegionCompiler", "GuestRegion");
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object",
                new String[] {Type.getInternalName(CompiledRegion.class)});
        cw.visitSource(String.format("guest region at 0x%08x", pa), null);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "run", "(L" + Emitter.RUN + ";)I", null, null);
        mv.visitCode();
        new Emitter(mv, shape).region();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Writes the body of one region's {@code run}. */
    private static final class Emitter {
        static final String RUN = Type.getInternalName(RegionRun.class);
        private static final String CONDITIONS = Type.getInternalName(ConditionCodes.class);
        private static final String MMU = Type.getInternalName(Mmu.class);
        private static final String MEMORY = Type.getInternalName(PhysicalMemory.class);
        private static final int SP = Registers.SP;

        // Locals of run(RegionRun c).
        private static final int C = 1;
        private static final int REGS = 2;
        private static final int FLAGS = 3;
        private static final int BASE = 4;
        private static final int BUDGET = 5;
        private static final int RETIRED = 6;
        private static final int EXTRA = 7;
        private static final int NEXT_PC = 8;
        private static final int CPL = 9;
        private static final int MMU_LOCAL = 10;
        private static final int MEMORY_LOCAL = 11;
        private static final int ADDRESS = 12;
        private static final int SIDE = 13;
        private static final int VALUE = 14;
        private static final int REGISTER_BASE = 14;   // the local of rN is REGISTER_BASE + N, N >= 1

        private final MethodVisitor mv;
        private final RegionShape shape;
        private final Map<Integer, Label> labels = new HashMap<>();
        private final Label exit = new Label();
        private final boolean[] written = new boolean[Registers.COUNT];

        Emitter(MethodVisitor mv, RegionShape shape) {
            this.mv = mv;
            this.shape = shape;
            for (GuestBlock b : shape.blocks()) {
                labels.put(b.start(), new Label());
            }
        }

        void region() {
            prologue();
            for (GuestBlock b : shape.blocks()) {
                block(b);
            }
            epilogue();
        }

        private void prologue() {
            field(REGS, "registers", "[I");
            field(FLAGS, "flags", "I");
            field(BASE, "pageBase", "I");
            field(BUDGET, "budget", "I");
            field(CPL, "cpl", "I");
            field(MMU_LOCAL, "mmu", "L" + MMU + ";");
            field(MEMORY_LOCAL, "memory", "L" + MEMORY + ";");
            for (int local : new int[] {RETIRED, EXTRA, SIDE, NEXT_PC, ADDRESS, VALUE}) {
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, local);
            }
            // Every register is loaded: a register the region only writes is stored back too.
            for (int n = 1; n < Registers.COUNT; n++) {
                mv.visitVarInsn(ALOAD, REGS);
                push(n);
                mv.visitInsn(IALOAD);
                mv.visitVarInsn(ISTORE, REGISTER_BASE + n);
            }
        }

        private void field(int local, String name, String descriptor) {
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, RUN, name, descriptor);
            mv.visitVarInsn(descriptor.startsWith("I") ? ISTORE : ASTORE, local);
        }

        private void epilogue() {
            mv.visitLabel(exit);
            for (int n = 1; n < Registers.COUNT; n++) {
                if (written[n]) {
                    mv.visitVarInsn(ALOAD, REGS);
                    push(n);
                    mv.visitVarInsn(ILOAD, REGISTER_BASE + n);
                    mv.visitInsn(IASTORE);
                }
            }
            put("flags", FLAGS);
            put("retired", RETIRED);
            put("extraCycles", EXTRA);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, SIDE);
            mv.visitFieldInsn(PUTFIELD, RUN, "sideExit", "Z");
            mv.visitVarInsn(ILOAD, NEXT_PC);
            mv.visitInsn(IRETURN);
        }

        private void put(String name, int local) {
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, local);
            mv.visitFieldInsn(PUTFIELD, RUN, name, "I");
        }

        /** One basic block: the budget check, its instructions, its count, then where it goes. */
        private void block(GuestBlock b) {
            mv.visitLabel(labels.get(b.start()));
            Label fits = new Label();
            mv.visitVarInsn(ILOAD, RETIRED);
            push(b.length());
            mv.visitInsn(IADD);
            mv.visitVarInsn(ILOAD, BUDGET);
            mv.visitJumpInsn(IF_ICMPLE, fits);
            leave(b.start());
            mv.visitLabel(fits);
            int last = b.length() - 1;
            for (int i = 0; i < last; i++) {
                instruction(b, i);
            }
            if (!b.endsInBranch()) {
                instruction(b, last);
                count(b.length(), b.extraCycles(b.length()));
                goTo(b.fallThrough());
            } else {
                branch(b, last);
            }
        }

        /** retired += count; extra += extra. */
        private void count(int count, int extra) {
            mv.visitIincInsn(RETIRED, count);
            if (extra != 0) {
                mv.visitIincInsn(EXTRA, extra);
            }
        }

        /** Control goes to page offset {@code offset}: a jump if a block of the region starts there, else the exit. */
        private void goTo(int offset) {
            Label target = labels.get(offset);
            if (target != null) {
                mv.visitJumpInsn(GOTO, target);
            } else {
                leave(offset);
            }
        }

        /** Leaves the region for page offset {@code offset} (which may lie outside the page). */
        private void leave(int offset) {
            relative(offset);
            mv.visitVarInsn(ISTORE, NEXT_PC);
            mv.visitJumpInsn(GOTO, exit);
        }

        /** Stops before instruction {@code i} of {@code b}, the ones before it retired: the interpreter runs it. */
        private void sideExit(GuestBlock b, int i) {
            count(i, b.extraCycles(i));
            push(1);
            mv.visitVarInsn(ISTORE, SIDE);
            leave(b.offsetOf(i));
        }

        /** The block's last instruction, which decides the next pc, after the block is counted. */
        private void branch(GuestBlock b, int i) {
            int w = b.words()[i];
            int offset = b.offsetOf(i);
            int target = offset + RegionShape.branchOffset(w);
            Opcode op = b.opcode(i);
            switch (op) {
                case JMP -> {
                    count(b.length(), b.extraCycles(b.length()));
                    goTo(target);
                }
                case JR -> {
                    count(b.length(), b.extraCycles(b.length()));
                    read(reg(w, 16));
                    mv.visitVarInsn(ISTORE, NEXT_PC);
                    mv.visitJumpInsn(GOTO, exit);
                }
                case CALL -> {
                    relative(offset + 4);
                    mv.visitVarInsn(ISTORE, VALUE);
                    pushWord(b, i);
                    count(b.length(), b.extraCycles(b.length()));
                    ifCodeChanged(() -> leave(target));   // the push changed compiled code: not a jump into it
                    goTo(target);
                }
                case CALLR -> {
                    read(reg(w, 16));
                    mv.visitVarInsn(ISTORE, NEXT_PC);   // the target, read before sp moves
                    relative(offset + 4);
                    mv.visitVarInsn(ISTORE, VALUE);
                    pushWord(b, i);
                    count(b.length(), b.extraCycles(b.length()));
                    mv.visitJumpInsn(GOTO, exit);
                }
                case RET -> {
                    translate(b, i, SP, 0, 4, Mmu.READ);
                    load("readWord");
                    mv.visitVarInsn(ISTORE, NEXT_PC);
                    addToSp(4);
                    count(b.length(), b.extraCycles(b.length()));
                    mv.visitJumpInsn(GOTO, exit);
                }
                default -> {
                    count(b.length(), b.extraCycles(b.length()));
                    Label notTaken = new Label();
                    mv.visitVarInsn(ILOAD, FLAGS);
                    mv.visitMethodInsn(INVOKESTATIC, CONDITIONS, condition(op), "(I)Z", false);
                    mv.visitJumpInsn(IFEQ, notTaken);
                    goTo(target);
                    mv.visitLabel(notTaken);
                    goTo(b.fallThrough());
                }
            }
        }

        private static String condition(Opcode op) {
            switch (op) {
                case BEQ: return "equal";
                case BNE: return "notEqual";
                case BLT: return "less";
                case BGE: return "greaterOrEqual";
                case BLE: return "lessOrEqual";
                case BGT: return "greater";
                case BLTU: return "below";
                case BGEU: return "aboveOrEqual";
                default: throw new IllegalArgumentException("not a conditional branch: " + op);
            }
        }

        /** One instruction that does not end the block, as the interpreter executes it. */
        private void instruction(GuestBlock b, int i) {
            int w = b.words()[i];
            int a = reg(w, 20);
            int r1 = reg(w, 16);
            int r2 = reg(w, 12);
            switch (b.opcode(i)) {
                case NOP -> { }
                case ADD -> binary(a, r1, r2, IADD);
                case SUB -> binary(a, r1, r2, ISUB);
                case AND -> binary(a, r1, r2, IAND);
                case OR -> binary(a, r1, r2, IOR);
                case XOR -> binary(a, r1, r2, IXOR);
                case SHL -> binary(a, r1, r2, ISHL);   // the JVM's shifts take the count mod 32, as the machine's
                case SHR -> binary(a, r1, r2, IUSHR);
                case SAR -> binary(a, r1, r2, ISHR);
                case MUL -> binary(a, r1, r2, IMUL);
                case DIV -> divide(b, i, a, r1, r2, "divide", false);
                case DIVU -> divide(b, i, a, r1, r2, "divideUnsigned", true);
                case REM -> divide(b, i, a, r1, r2, "remainder", false);
                case REMU -> divide(b, i, a, r1, r2, "remainderUnsigned", true);
                case MOV -> {
                    read(r1);
                    write(a);
                }
                case ADDI -> immediate(a, r1, (short) w, IADD);
                case ANDI -> immediate(a, r1, w & 0xFFFF, IAND);
                case ORI -> immediate(a, r1, w & 0xFFFF, IOR);
                case XORI -> immediate(a, r1, w & 0xFFFF, IXOR);
                case SHLI -> immediate(a, r1, w & 31, ISHL);
                case SHRI -> immediate(a, r1, w & 31, IUSHR);
                case SARI -> immediate(a, r1, w & 31, ISHR);
                case MULI -> immediate(a, r1, (short) w, IMUL);
                case LUI -> {
                    push(w << 16);
                    write(a);
                }
                case CMP -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(r1);
                    read(r2);
                    setFlags("compare", "(III)I");
                }
                case CMPI -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(r1);
                    push((short) w);
                    setFlags("compare", "(III)I");
                }
                case TST -> {
                    mv.visitVarInsn(ILOAD, FLAGS);
                    read(r1);
                    read(r2);
                    mv.visitInsn(IAND);
                    setFlags("test", "(II)I");
                }
                case LW -> {
                    translate(b, i, r1, (short) w, 4, Mmu.READ);
                    load("readWord");
                    write(a);
                }
                case LB -> {
                    translate(b, i, r1, (short) w, 1, Mmu.READ);
                    load("readByte");
                    mv.visitInsn(I2B);
                    write(a);
                }
                case LBU -> {
                    translate(b, i, r1, (short) w, 1, Mmu.READ);
                    load("readByte");
                    write(a);
                }
                case SW -> {
                    translate(b, i, r1, (short) w, 4, Mmu.WRITE);
                    store("writeWord", a);
                    endIfCodeChanged(b, i);
                }
                case SB -> {
                    translate(b, i, r1, (short) w, 1, Mmu.WRITE);
                    store("writeByte", a);
                    endIfCodeChanged(b, i);
                }
                case PUSH -> {
                    translate(b, i, SP, -4, 4, Mmu.WRITE);
                    store("writeWord", r1);   // the old sp, if it pushes sp
                    addToSp(-4);
                    endIfCodeChanged(b, i);
                }
                case POP -> {
                    translate(b, i, SP, 0, 4, Mmu.READ);
                    load("readWord");
                    mv.visitVarInsn(ISTORE, VALUE);
                    addToSp(4);
                    mv.visitVarInsn(ILOAD, VALUE);
                    write(a);   // after sp moves: pop sp leaves the value popped
                }
                default -> throw new IllegalArgumentException("not a region instruction: " + b.opcode(i));
            }
        }

        /**
         * After a store, instruction {@code i} of {@code b}: if it changed compiled code, the
         * region ends after it (retired), before code that may be stale.
         */
        private void endIfCodeChanged(GuestBlock b, int i) {
            ifCodeChanged(() -> {
                count(i + 1, b.extraCycles(i + 1));
                leave(b.offsetOf(i + 1));
            });
        }

        /** Emits {@code changed} to run only if the last store changed compiled code ({@link RegionRun#codeChanged}). */
        private void ifCodeChanged(Runnable changed) {
            Label unchanged = new Label();
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, RUN, "codeChanged", "Z");
            mv.visitJumpInsn(IFEQ, unchanged);
            changed.run();
            mv.visitLabel(unchanged);
        }

        /** Pushes VALUE as call does: the slot below sp, checked, written, then sp moved. */
        private void pushWord(GuestBlock b, int i) {
            translate(b, i, SP, -4, 4, Mmu.WRITE);
            mv.visitVarInsn(ALOAD, MEMORY_LOCAL);
            mv.visitVarInsn(ILOAD, ADDRESS);
            mv.visitVarInsn(ILOAD, VALUE);
            mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "writeWord", "(II)V", false);
            addToSp(-4);
        }

        private void addToSp(int delta) {
            read(SP);
            push(delta);
            mv.visitInsn(IADD);
            write(SP);
        }

        /**
         * ADDRESS = the RAM address of {@code size} bytes at register {@code base} + {@code displacement}
         * for {@code access}, or a side exit before instruction {@code i} if the TLB does not hold it.
         */
        private void translate(GuestBlock b, int i, int base, int displacement, int size, int access) {
            mv.visitVarInsn(ALOAD, MMU_LOCAL);
            read(base);
            if (displacement != 0) {
                push(displacement);
                mv.visitInsn(IADD);
            }
            push(size);
            push(access);
            mv.visitVarInsn(ILOAD, CPL);
            mv.visitMethodInsn(INVOKEVIRTUAL, MMU, "cachedRamAddress", "(IIII)I", false);
            mv.visitVarInsn(ISTORE, ADDRESS);
            Label hit = new Label();
            mv.visitVarInsn(ILOAD, ADDRESS);
            mv.visitJumpInsn(IFGE, hit);
            sideExit(b, i);
            mv.visitLabel(hit);
        }

        /** Pushes the value read from RAM at ADDRESS. */
        private void load(String method) {
            mv.visitVarInsn(ALOAD, MEMORY_LOCAL);
            mv.visitVarInsn(ILOAD, ADDRESS);
            mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, method, "(I)I", false);
        }

        /** Writes register {@code source} to RAM at ADDRESS. */
        private void store(String method, int source) {
            mv.visitVarInsn(ALOAD, MEMORY_LOCAL);
            mv.visitVarInsn(ILOAD, ADDRESS);
            read(source);
            mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, method, "(II)V", false);
        }

        /** A division: a side exit if the divisor is zero (the interpreter raises the divide error). */
        private void divide(GuestBlock b, int i, int a, int r1, int r2, String method, boolean unsigned) {
            Label nonZero = new Label();
            read(r2);
            mv.visitJumpInsn(IFNE, nonZero);
            sideExit(b, i);
            mv.visitLabel(nonZero);
            read(r1);
            read(r2);
            if (unsigned) {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", method, "(II)I", false);
            } else {
                mv.visitInsn(method.equals("divide") ? IDIV : IREM);   // MIN / -1 is MIN, as the machine's
            }
            write(a);
        }

        private void binary(int a, int r1, int r2, int jvmOp) {
            read(r1);
            read(r2);
            mv.visitInsn(jvmOp);
            write(a);
        }

        private void immediate(int a, int r1, int value, int jvmOp) {
            read(r1);
            push(value);
            mv.visitInsn(jvmOp);
            write(a);
        }

        private void setFlags(String method, String descriptor) {
            mv.visitMethodInsn(INVOKESTATIC, CONDITIONS, method, descriptor, false);
            mv.visitVarInsn(ISTORE, FLAGS);
        }

        /** Pushes the virtual address of page offset {@code offset}: the page's base + offset. */
        private void relative(int offset) {
            mv.visitVarInsn(ILOAD, BASE);
            push(offset);
            mv.visitInsn(IADD);
        }

        private static int reg(int word, int shift) {
            return (word >>> shift) & 0xF;
        }

        /** r0 reads as zero: it is never loaded. */
        private void read(int n) {
            if (n == 0) {
                mv.visitInsn(ICONST_0);
            } else {
                mv.visitVarInsn(ILOAD, REGISTER_BASE + n);
            }
        }

        /** A write to r0 is dropped, as the hardware drops it. */
        private void write(int n) {
            if (n == 0) {
                mv.visitInsn(POP);
            } else {
                mv.visitVarInsn(ISTORE, REGISTER_BASE + n);
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
}
