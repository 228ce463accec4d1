package org.vmlab.machine.device;

import java.util.Objects;

/**
 * One record of the IOMMU's fault log (VT-d's fault recording registers): which device's request
 * was blocked, at which address, for what access, and why.
 *
 * @param sourceId the requesting device's source id ({@link Iommu#SOURCE_DISK}, {@link Iommu#SOURCE_NIC})
 * @param address  for DMA, the first address of the blocked access in the page that faulted (an
 *                 I/O virtual address); for an interrupt, the line the device requested
 * @param access   what the device tried
 * @param reason   why it was blocked
 */
public record IommuFault(int sourceId, int address, Access access, Reason reason) {
    public IommuFault {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(reason, "reason");
    }

    /** What a blocked request tried to do, valued as in the fault record's info word. */
    public enum Access {
        READ(0), WRITE(1), INTERRUPT(2);

        private final int code;

        Access(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Why a request was blocked: VT-d's fault reason codes, those this IOMMU can raise. */
    public enum Reason {
        /** The context entry for the device is not present (P clear). */
        CONTEXT_NOT_PRESENT(0x2),
        /** The access reaches past the 32-bit I/O address space. */
        ADDRESS_BEYOND(0x4),
        /** A write to a page whose entries do not all grant write (or that is not mapped). */
        NO_WRITE(0x5),
        /** A read from a page whose entries do not all grant read (or that is not mapped). */
        NO_READ(0x6),
        /** An I/O page-table entry lies outside RAM. */
        PAGE_TABLE_ACCESS(0x7),
        /** The context entry lies outside RAM (a bad RTADDR). */
        CONTEXT_TABLE_ACCESS(0x9),
        /** A present context entry with a reserved bit set. */
        CONTEXT_RESERVED(0xB),
        /** An I/O page-table entry granting read or write with a reserved bit set. */
        PAGE_TABLE_RESERVED(0xC),
        /** The device's interrupt-remapping table entry is not present: the interrupt is blocked. */
        IRTE_NOT_PRESENT(0x22),
        /** The interrupt-remapping table entry lies outside RAM (a bad IRTA). */
        IRT_ACCESS(0x23),
        /** A present interrupt-remapping table entry with a reserved bit set. */
        IRTE_RESERVED(0x24);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** The fault reason code as VT-d numbers it. */
        public int code() {
            return code;
        }
    }

    /** The record's info word as port FRCD_INFO reads it: source id, access, reason. */
    public int info() {
        return (sourceId & 0xFF) | access.code() << 8 | reason.code() << 16;
    }
}
