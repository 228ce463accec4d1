package org.vmlab.device.split;

/**
 * One entry of a guest's grant table, Xen's {@code grant_entry_v1}, as the back end read it: word
 * 0 holds {@code flags} (bits 15..0) and {@code domid} (bits 31..16), word 1 the {@code frame}.
 *
 * @param flags the type ({@link SplitAbi#GTF_TYPE_MASK}) and the {@code GTF_*} bits
 * @param domid the domain granted access
 * @param frame the pseudo-physical frame granted
 */
public record GrantEntry(int flags, int domid, int frame) {
    /** The entry of the words {@code word0} and {@code word1}. */
    public static GrantEntry of(int word0, int word1) {
        return new GrantEntry(word0 & 0xFFFF, word0 >>> 16, word1);
    }

    /** The grant's type: {@link SplitAbi#GTF_INVALID}, {@link SplitAbi#GTF_PERMIT_ACCESS}, ... */
    public int type() {
        return flags & SplitAbi.GTF_TYPE_MASK;
    }

    /** Whether the grantee may only read the frame. */
    public boolean readOnly() {
        return (flags & SplitAbi.GTF_READONLY) != 0;
    }
}
