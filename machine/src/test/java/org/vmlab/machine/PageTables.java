package org.vmlab.machine;

import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;

/**
 * Two-level page tables built in a machine's RAM from Java, as a kernel would build them: a page
 * directory at {@link #directory}, and page tables taken from a pool of frames as they are needed.
 * Directory entries are made present, writable and user, so a mapping's permission is its
 * page-table entry's unless a test narrows the directory entry itself.
 */
final class PageTables {
    final int directory;
    private final PhysicalMemory memory;
    private int nextTable;

    /** An empty directory at {@code directory}; page tables from {@code firstTable} up. */
    PageTables(PhysicalMemory memory, int directory, int firstTable) {
        this.memory = memory;
        this.directory = directory;
        this.nextTable = firstTable;
        for (int i = 0; i < 1024; i++) {
            memory.writeWord(directory + 4 * i, 0);
        }
    }

    /** Maps virtual page {@code va} to physical {@code pa} with {@code flags}; returns the PTE's address. */
    int map(int va, int pa, int flags) {
        int pte = pteAddress(va);
        memory.writeWord(pte, Pte.entry(pa, flags));
        return pte;
    }

    /** Maps {@code [from, to)} to itself, page by page. */
    PageTables identity(int from, int to, int flags) {
        for (int va = from; va < to; va += PhysicalMemory.PAGE_SIZE) {
            map(va, va, flags);
        }
        return this;
    }

    /** The address of the directory entry for {@code va}. */
    int pdeAddress(int va) {
        return directory + 4 * Pte.directoryIndex(va);
    }

    /** The address of the page-table entry for {@code va}, creating its page table if needed. */
    int pteAddress(int va) {
        int pde = memory.readWord(pdeAddress(va));
        if ((pde & Pte.PRESENT) == 0) {
            int table = nextTable;
            nextTable += PhysicalMemory.PAGE_SIZE;
            for (int i = 0; i < 1024; i++) {
                memory.writeWord(table + 4 * i, 0);
            }
            pde = Pte.entry(table, Pte.PRESENT | Pte.WRITABLE | Pte.USER);
            memory.writeWord(pdeAddress(va), pde);
        }
        return (pde & Pte.FRAME_MASK) + 4 * Pte.tableIndex(va);
    }

    int pde(int va) {
        return memory.readWord(pdeAddress(va));
    }

    int pte(int va) {
        return memory.readWord(pteAddress(va));
    }

    void setPde(int va, int value) {
        memory.writeWord(pdeAddress(va), value);
    }
}
