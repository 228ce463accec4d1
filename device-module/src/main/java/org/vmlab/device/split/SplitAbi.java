package org.vmlab.device.split;

/**
 * The numbers of the split-driver interface, as Xen's public headers name them
 * ({@code xen/include/public/grant_table.h}, {@code io/ring.h}, {@code io/blkif.h},
 * {@code io/netif.h}). docs/paravirt.md ("Split device drivers") is the normative description.
 * All words are little-endian and 32 bits; a frame is a pseudo-physical frame number.
 */
public final class SplitAbi {
    private SplitAbi() {
    }

    /** Bytes in a page, a frame, a ring. */
    public static final int PAGE_SIZE = 4096;

    // --- hypercalls ------------------------------------------------------------------------------

    /** {@code grant_table_op(cmd, count, args)}: Xen's {@code __HYPERVISOR_grant_table_op}. */
    public static final int GRANT_TABLE_OP = 20;
    /** {@code device_connect(_, _, args)}: Xen's {@code __HYPERVISOR_arch_0}, standing in for the store. */
    public static final int DEVICE_CONNECT = 48;

    /** {@code GNTTABOP_setup_table}: args {dom, nr_frames, status (out), frame}. */
    public static final int GNTTABOP_SETUP_TABLE = 2;
    /** {@code GNTST_okay}: the status a successful operation writes. */
    public static final int GNTST_OKAY = 0;
    /** The calling domain ({@code DOMID_SELF}). */
    public static final int DOMID_SELF = 0x7FF0;
    /** The back ends' domain: the one a grant must name. */
    public static final int DOMID_BACKEND = 0;

    // --- grant entries (grant_entry_v1) ----------------------------------------------------------

    /** Entries in the one-page table: 512 of 8 bytes. */
    public static final int GRANT_ENTRIES = 512;
    /** Bytes in an entry: flags and domid, then frame. */
    public static final int GRANT_ENTRY_SIZE = 8;
    /** Entries 0..7 are reserved ({@code GNTTAB_NR_RESERVED_ENTRIES}): a gref is 8..511. */
    public static final int GNTTAB_NR_RESERVED_ENTRIES = 8;
    /** The type bits of {@code flags}. */
    public static final int GTF_TYPE_MASK = 3;
    /** Type: no grant. */
    public static final int GTF_INVALID = 0;
    /** Type: the frame may be accessed by the domain named. */
    public static final int GTF_PERMIT_ACCESS = 1;
    /** The grantee may only read the frame. */
    public static final int GTF_READONLY = 1 << 2;
    /** Set by the back end while it reads the frame. */
    public static final int GTF_READING = 1 << 3;
    /** Set by the back end while it writes the frame. */
    public static final int GTF_WRITING = 1 << 4;

    // --- device_connect --------------------------------------------------------------------------

    /** A virtual block device: args {type, ring_ref, port, ring_size, sectors (out)}. */
    public static final int CONNECT_VBD = 0;
    /** A virtual network interface: args {type, tx_ring_ref, rx_ring_ref, port, ring_size}. */
    public static final int CONNECT_VIF = 1;

    // --- shared rings (io/ring.h) ----------------------------------------------------------------

    /** Ring page word offsets. */
    public static final int RING_REQ_PROD = 0;
    public static final int RING_REQ_EVENT = 4;
    public static final int RING_RSP_PROD = 8;
    public static final int RING_RSP_EVENT = 12;
    /** Where the slots start in the ring page. */
    public static final int RING_SLOTS = 64;

    // --- block (io/blkif.h) ----------------------------------------------------------------------

    public static final int BLK_SLOT_SIZE = 48;
    public static final int BLK_MAX_RING_SIZE = 64;
    public static final int BLKIF_OP_READ = 0;
    public static final int BLKIF_OP_WRITE = 1;
    /** The most segments one request may have ({@code BLKIF_MAX_SEGMENTS_PER_REQUEST} is 11 in Xen). */
    public static final int BLKIF_MAX_SEGMENTS = 4;
    /** Sectors of a page: a segment's first_sect and last_sect are 0..7. */
    public static final int SECTORS_PER_PAGE = 8;
    public static final int BLKIF_RSP_OKAY = 0;
    public static final int BLKIF_RSP_ERROR = -1;
    public static final int BLKIF_RSP_EOPNOTSUPP = -2;

    // --- network (io/netif.h) --------------------------------------------------------------------

    public static final int NET_SLOT_SIZE = 16;
    public static final int NET_MAX_RING_SIZE = 128;
    /** The largest frame ({@code ETH_FRAME_LEN}, the network interface's own limit). */
    public static final int NET_MAX_FRAME = 1514;
    public static final int NETIF_RSP_OKAY = 0;
    public static final int NETIF_RSP_ERROR = -1;
}
