package org.vmlab.cpu.paravirt;

/**
 * What the domain builder hands the paravirtual kernel, as Xen's {@code start_info}
 * ({@code xen/include/public/xen.h}): where it put the three areas it laid out after the image,
 * and the ports it allocated. The page holds these in words at the offsets below
 * (docs/paravirt.md, "Booting"); addresses are pseudo-physical.
 *
 * @param address     the start-info page
 * @param sharedInfo  the shared-info page
 * @param frameList   the frame list: word {@code i} holds pseudo-physical frame {@code i}'s machine frame
 * @param frames      how many pseudo-physical frames the VM has
 * @param storePort   an unbound port, waiting for a store in domain 0
 * @param consolePort the port bound to {@code VIRQ_CONSOLE}
 */
public record StartInfo(int address, int sharedInfo, int frameList, int frames, int storePort, int consolePort) {
    /** {@code magic}: the bytes {@code xen3}, little-endian. */
    public static final int MAGIC = 0x336E6578;

    /** Word offsets in the page. */
    public static final int MAGIC_OFFSET = 0;
    public static final int NR_PAGES = 4;
    public static final int SHARED_INFO = 8;
    public static final int FLAGS = 12;
    public static final int STORE_MFN = 16;
    public static final int STORE_EVTCHN = 20;
    public static final int CONSOLE_MFN = 24;
    public static final int CONSOLE_EVTCHN = 28;
    public static final int PT_BASE = 32;
    public static final int NR_PT_FRAMES = 36;
    public static final int MFN_LIST = 40;

    /** The page's words, in order. */
    int[] words() {
        return new int[] {MAGIC, frames, sharedInfo, 0, 0, storePort, 0, consolePort, 0, 0, frameList};
    }
}
