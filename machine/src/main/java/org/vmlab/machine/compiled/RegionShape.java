package org.vmlab.machine.compiled;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The guest code one compiled region holds: the basic block at an entry address, and the blocks
 * its direct branches, calls and fall-throughs reach within the same page, found breadth first
 * up to {@link #MAX_BLOCKS} blocks and {@link #MAX_INSTRUCTIONS} instructions. A branch between
 * two blocks of a region is a jump in the compiled code (the blocks are chained); a branch out of
 * it ends the region's run. Loops within a page thus run in one call, as many times as the budget
 * allows.
 *
 * <p>Only the instructions {@link #handles} takes are compiled: those that cannot change the
 * ring, IF, the paging registers or a device. Memory accesses are in, because compiled code makes
 * one only when the TLB holds its translation to RAM; for anything else (a miss, a fault, a
 * device, a code frame, a division by zero) the region stops before the instruction and the
 * interpreter runs it.
 */
record RegionShape(int entry, List<GuestBlock> blocks) {
    /** The most instructions in one basic block. */
    static final int MAX_BLOCK_LENGTH = 64;
    /** The most blocks in one region. */
    static final int MAX_BLOCKS = 32;
    /** The most instructions in one region (keeps its JVM method well under the JIT's size limit). */
    static final int MAX_INSTRUCTIONS = 192;

    /** True if a compiled region may hold {@code op}. */
    static boolean handles(Opcode op) {
        switch (op) {
            case NOP, ADD, SUB, AND, OR, XOR, SHL, SHR, SAR, MUL, DIV, DIVU, REM, REMU, MOV, CMP, TST,
                 ADDI, ANDI, ORI, XORI, SHLI, SHRI, SARI, LUI, CMPI, MULI,
                 LW, LB, LBU, SW, SB, PUSH, POP,
                 JMP, CALL, JR, CALLR, RET, BEQ, BNE, BLT, BGE, BLE, BGT, BLTU, BGEU:
                return true;
            default:
                return false;
        }
    }

    /** True if {@code op} ends a basic block: it decides the next pc. */
    static boolean endsBlock(Opcode op) {
        switch (op) {
            case JMP, CALL, JR, CALLR, RET, BEQ, BNE, BLT, BGE, BLE, BGT, BLTU, BGEU:
                return true;
            default:
                return false;
        }
    }

    /** True if {@code op} is a conditional branch (it may also fall through). */
    static boolean conditional(Opcode op) {
        return endsBlock(op) && op != Opcode.JMP && op != Opcode.CALL && op != Opcode.JR
                && op != Opcode.CALLR && op != Opcode.RET;
    }

    /**
     * The region at physical address {@code pa} of {@code memory}, holding only instructions at
     * addresses {@code admitted} accepts; null if the instruction at {@code pa} is not one.
     */
    static RegionShape discover(PhysicalMemory memory, int pa, IntPredicate admitted) {
        int page = pa & ~(PhysicalMemory.PAGE_SIZE - 1);
        int entry = pa - page;
        Map<Integer, GuestBlock> found = new LinkedHashMap<>();
        Deque<Integer> work = new ArrayDeque<>(List.of(entry));
        int instructions = 0;
        while (!work.isEmpty() && found.size() < MAX_BLOCKS && instructions < MAX_INSTRUCTIONS) {
            int start = work.poll();
            if (found.containsKey(start)) {
                continue;
            }
            int[] words = scan(memory, page + start, admitted,
                    Math.min(MAX_BLOCK_LENGTH, MAX_INSTRUCTIONS - instructions));
            if (words.length == 0) {
                continue;   // the region ends there: the interpreter runs what it does not hold
            }
            GuestBlock block = new GuestBlock(start, words);
            found.put(start, block);
            instructions += words.length;
            for (int next : successors(block)) {
                if (next >= 0 && next < PhysicalMemory.PAGE_SIZE) {
                    work.add(next);
                }
            }
        }
        return found.containsKey(entry) ? new RegionShape(entry, List.copyOf(found.values())) : null;
    }

    /** The instructions of the basic block at {@code pa}, admitting every address (0 if none). */
    static int span(PhysicalMemory memory, int pa) {
        return length(memory, pa, MAX_BLOCK_LENGTH);
    }

    /** The page offsets control may go to after {@code block}, where a direct target says so. */
    static List<Integer> successors(GuestBlock block) {
        Opcode last = block.last();
        int at = block.offsetOf(block.length() - 1);
        List<Integer> next = new ArrayList<>(2);
        if (!block.endsInBranch()) {
            next.add(block.fallThrough());
        } else if (last == Opcode.JMP || last == Opcode.CALL) {
            next.add(at + branchOffset(block.words()[block.length() - 1]));
        } else if (conditional(last)) {
            next.add(at + branchOffset(block.words()[block.length() - 1]));
            next.add(block.fallThrough());
        }
        return next;
    }

    /** The byte distance from a branch to its target: the signed 24-bit word offset, plus 4 (docs/isa.md). */
    static int branchOffset(int word) {
        return (((word << 8) >> 8) << 2) + 4;
    }

    /** The first block: where the region is entered. */
    GuestBlock entryBlock() {
        return blocks.get(0);
    }

    /** Instructions in all its blocks. */
    int instructions() {
        return blocks.stream().mapToInt(GuestBlock::length).sum();
    }

    /** The index in the page of every word its blocks hold (twice, if two blocks hold it). */
    int[] wordIndexes() {
        return blocks.stream().flatMapToInt(b -> java.util.stream.IntStream.range(0, b.length())
                .map(i -> b.offsetOf(i) >>> 2)).toArray();
    }

    /** The block starting at page offset {@code offset}, or null. */
    GuestBlock blockAt(int offset) {
        for (GuestBlock b : blocks) {
            if (b.start() == offset) {
                return b;
            }
        }
        return null;
    }

    /**
     * What the compiled code depends on, and nothing more: the entry's page offset and every
     * block's offset and words. Two regions with the same key (in two machines, or at two
     * addresses of one page's copies) share one compiled class.
     */
    Key key() {
        int[] data = new int[1 + blocks.size() * 2 + instructions()];
        int i = 0;
        data[i++] = entry;
        for (GuestBlock b : blocks) {
            data[i++] = b.start();
            data[i++] = b.length();
            System.arraycopy(b.words(), 0, data, i, b.length());
            i += b.length();
        }
        return new Key(data);
    }

    /** A region's code as a value. */
    record Key(int[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(data, k.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "region key of " + data.length + " words";
        }
    }

    private static int[] scan(PhysicalMemory memory, int pa, IntPredicate admitted, int limit) {
        int pageEnd = (pa & ~(PhysicalMemory.PAGE_SIZE - 1)) + PhysicalMemory.PAGE_SIZE;
        int[] words = new int[limit];
        int n = 0;
        for (int at = pa; at < pageEnd && n < limit && admitted.test(at); at += 4) {
            int word = memory.readWord(at);
            byte kind = KINDS[word >>> 24];
            if (kind == NOT_HANDLED) {
                break;
            }
            words[n++] = word;
            if (kind == ENDS_BLOCK) {
                break;
            }
        }
        return Arrays.copyOf(words, n);
    }

    /** The instructions of the block at {@code pa} (scanned for every new address the engine meets: kept cheap). */
    private static int length(PhysicalMemory memory, int pa, int limit) {
        int pageEnd = (pa & ~(PhysicalMemory.PAGE_SIZE - 1)) + PhysicalMemory.PAGE_SIZE;
        int n = 0;
        for (int at = pa; at < pageEnd && n < limit; at += 4) {
            byte kind = KINDS[memory.readWord(at) >>> 24];
            if (kind == NOT_HANDLED) {
                break;
            }
            n++;
            if (kind == ENDS_BLOCK) {
                break;
            }
        }
        return n;
    }

    private static final byte NOT_HANDLED = 0;
    private static final byte HANDLED = 1;
    private static final byte ENDS_BLOCK = 2;
    /** What a region makes of each opcode byte: {@link #handles} and {@link #endsBlock} as a table. */
    private static final byte[] KINDS = new byte[256];

    static {
        for (int code = 0; code < 256; code++) {
            Opcode op = Opcode.fromCode(code);
            if (op != null && handles(op)) {
                KINDS[code] = endsBlock(op) ? ENDS_BLOCK : HANDLED;
            }
        }
    }
}
