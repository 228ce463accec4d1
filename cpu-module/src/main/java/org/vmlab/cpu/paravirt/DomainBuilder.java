package org.vmlab.cpu.paravirt;

import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * Xen's domain builder, in small ({@code xen/arch/x86/pv/dom0_build.c}, {@code libxenguest}): what
 * a paravirtual kernel finds when it starts, beyond its loaded image. Its memory is all backed at
 * once, since a direct-paging kernel must know every machine frame it has; three areas lie in
 * the first free pages after the image's segment that holds the entry, in this order: the
 * start-info page, the shared-info page (every port masked, none pending, events masked) and the
 * frame list; the store's and the console's ports are allocated; and the kernel starts with
 * {@code r2} holding the start-info page's address (32-bit Xen: {@code esi}).
 */
final class DomainBuilder {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    /** The domain a store would run in (Xen's xenstored runs in domain 0). */
    private static final int STORE_DOMAIN = 0;

    private DomainBuilder() {
    }

    /**
     * Builds the domain of {@code vm}, into which {@code image} was just loaded, with the fresh
     * table {@code channels}.
     *
     * @throws IllegalArgumentException if the VM may not back all its memory, or no free pages
     *                                  after the image hold the three areas: the loader's error,
     *                                  as an image that does not fit is
     */
    static StartInfo build(VirtualMachine vm, Image image, EventChannels channels) {
        GuestPhysicalMemory memory = vm.memory();
        int frames = memory.frames();
        if (memory.frameLimit() < frames) {
            throw new IllegalArgumentException(String.format("a paravirtual domain is given all its memory"
                    + " at once, but %s may back only %d of its %d frames", vm.name(), memory.frameLimit(), frames));
        }
        int[] machineFrames = new int[frames];
        for (int gfn = 0; gfn < frames; gfn++) {
            machineFrames[gfn] = memory.machineFrame(gfn);
        }
        int listPages = (frames * 4 + PAGE - 1) / PAGE;
        int start = firstFreePages(image, 2 + listPages, memory.size());
        int shared = start + PAGE;
        int list = shared + PAGE;
        memory.write(start, new byte[(2 + listPages) * PAGE]);

        SharedInfo sharedInfo = new SharedInfo(memory, shared);
        sharedInfo.setUpcallMask(true);
        sharedInfo.setMaskedPorts(-1);
        int storePort = channels.allocUnboundFor(STORE_DOMAIN);
        int consolePort = channels.bindVirq(XenAbi.VIRQ_CONSOLE, 0);

        StartInfo info = new StartInfo(start, shared, list, frames, storePort, consolePort);
        int[] words = info.words();
        for (int i = 0; i < words.length; i++) {
            memory.writeWord(start + 4 * i, words[i]);
        }
        for (int gfn = 0; gfn < frames; gfn++) {
            memory.writeWord(list + 4 * gfn, machineFrames[gfn]);
        }
        vm.vcpu().setRegister(HypercallTable.FIRST_ARGUMENT_REGISTER, start);
        vm.vcpu().setVirtualInterruptsEnabled(false);
        return info;
    }

    /**
     * The first of {@code pages} free pages in a row from the page after the segment holding the
     * entry (from 0 if none holds it): pages no segment of the image touches, inside {@code size}.
     */
    private static int firstFreePages(Image image, int pages, int size) {
        long from = image.segmentAt(image.entry()).map(Segment::end).orElse(0L);
        for (long at = (from + PAGE - 1) / PAGE * PAGE; at + (long) pages * PAGE <= size; at += PAGE) {
            long end = at + (long) pages * PAGE;
            long begin = at;
            if (image.segments().stream().noneMatch(s -> s.size() > 0
                    && Integer.toUnsignedLong(s.address()) < end && s.end() > begin)) {
                return (int) at;
            }
        }
        throw new IllegalArgumentException(String.format("no %d free pages after the image for the start-info"
                + " page, the shared-info page and the frame list in %d KiB of guest memory", pages, size >> 10));
    }
}
