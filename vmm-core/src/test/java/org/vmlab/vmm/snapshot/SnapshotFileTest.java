package org.vmlab.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.EchoPeer;
import org.vmlab.machine.device.NetworkPeer;
import org.vmlab.vmm.VmConfig;

/**
 * A snapshot file gives back every field it was written with, and a file that is not one, of
 * another version, cut short, or changed in any byte is refused with one message saying which,
 * before anything is decoded.
 */
class SnapshotFileTest {

    @Property(tries = 60)
    void everyFieldWrittenIsReadBack(@ForAll long seed) throws IOException {
        Snapshot written = RandomSnapshots.of(seed);

        Snapshot read = read(SnapshotFile.bytes(written));

        assertSame(read, written);
    }

    @Property(tries = 40)
    void aFileChangedInAnyByteIsRefusedAsCorrupted(@ForAll long seed) {
        byte[] file = SnapshotFile.bytes(RandomSnapshots.of(seed));
        int at = SnapshotFile.HEADER + (int) Math.floorMod(seed, (long) file.length - SnapshotFile.HEADER);
        file[at] ^= 1 << Math.floorMod(seed >>> 32, 8);

        assertThatThrownBy(() -> read(file)).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessageStartingWith("corrupted: the SHA-256 of its contents");
    }

    @Property(tries = 40)
    void aFileCutShortAnywhereIsRefusedAsTruncated(@ForAll long seed) {
        byte[] file = SnapshotFile.bytes(RandomSnapshots.of(seed));
        int length = SnapshotFile.MAGIC_TEXT.length() + (int) Math.floorMod(seed, (long) file.length - SnapshotFile.MAGIC_TEXT.length());

        assertThatThrownBy(() -> read(Arrays.copyOf(file, length))).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessageStartingWith("truncated: ");
    }

    @Test
    void aFileOfAnotherFormatVersionIsRefusedWithBothVersions() {
        byte[] file = SnapshotFile.bytes(RandomSnapshots.of(1));
        ByteBuffer.wrap(file).putInt(SnapshotFile.MAGIC_TEXT.length(), 2);

        assertThatThrownBy(() -> read(file)).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessage("a snapshot of format version 2, but this vmlab reads version 1 only");
    }

    @Test
    void aFileThatIsNotASnapshotIsRefusedAsSuch() {
        assertThatThrownBy(() -> read("hello, world\n".getBytes())).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessageStartingWith("not a vmlab snapshot");
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessageStartingWith("not a vmlab snapshot");
    }

    @Test
    void bytesAfterTheEndAreRefused() {
        byte[] file = SnapshotFile.bytes(RandomSnapshots.of(2));

        assertThatThrownBy(() -> read(Arrays.copyOf(file, file.length + 1)))
                .isInstanceOf(SnapshotFile.Unreadable.class).hasMessageContaining("1 bytes after the end");
    }

    @Test
    void theFileBeginsWithItsMagicAndVersionAndEndsWithTheBodysDigest() {
        byte[] file = SnapshotFile.bytes(RandomSnapshots.of(3));
        ByteBuffer b = ByteBuffer.wrap(file);

        assertThat(new String(file, 0, 8)).isEqualTo("VMLABSNP");
        assertThat(b.getInt(8)).isEqualTo(SnapshotFile.VERSION);
        long length = b.getLong(12);
        assertThat(file.length).isEqualTo(SnapshotFile.HEADER + length + SnapshotFile.DIGEST);
        assertThat(Arrays.copyOfRange(file, file.length - 32, file.length)).isEqualTo(SnapshotFile.sha256(
                Arrays.copyOfRange(file, SnapshotFile.HEADER, (int) (SnapshotFile.HEADER + length))));
    }

    @Test
    void aVmWithAnotherNetworkPeerThanTheEchoCannotBeWritten() {
        Snapshot s = RandomSnapshots.of(4);
        NetworkPeer silent = frame -> java.util.List.of();
        VmConfig other = s.config().withDevices(s.config().devices().withNetworkPeer(silent));
        Snapshot withPeer = new Snapshot(s.guest(), s.isa(), s.techniques(), other, s.state(), s.pages());

        assertThatThrownBy(() -> SnapshotFile.bytes(withPeer)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("echo network peer only");
    }

    @Test
    void aWellSealedFileWhoseContentsAreNotASnapshotIsRefused() throws IOException {
        byte[] notGzip = "not gzip".getBytes();
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(new byte[] {'N', 'O', 'P', 'E', 0, 0, 0, 0});
        }

        assertThatThrownBy(() -> read(sealed(notGzip))).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessageStartingWith("corrupted: its contents do not unzip");
        assertThatThrownBy(() -> read(sealed(zipped.toByteArray()))).isInstanceOf(SnapshotFile.Unreadable.class)
                .hasMessage("corrupted: where the guest should begin there is 0x4e4f5045");
    }

    /** {@code body} in a well-formed envelope, with its right digest. */
    private static byte[] sealed(byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(SnapshotFile.HEADER + body.length + SnapshotFile.DIGEST);
        b.put(SnapshotFile.MAGIC_TEXT.getBytes()).putInt(SnapshotFile.VERSION).putLong(body.length).put(body)
                .put(SnapshotFile.sha256(body));
        return b.array();
    }

    static Snapshot read(byte[] file) throws IOException {
        return SnapshotFile.read(new ByteArrayInputStream(file));
    }

    /** Field by field: a VM's configuration holds arrays and a peer, which records compare by identity. */
    static void assertSame(Snapshot read, Snapshot written) {
        assertThat(read.guest().program()).isEqualTo(written.guest().program());
        assertThat(read.guest().workload()).isEqualTo(written.guest().workload());
        assertThat(read.guest().image().entry()).isEqualTo(written.guest().image().entry());
        assertThat(read.guest().image().symbols()).isEqualTo(written.guest().image().symbols());
        assertThat(read.guest().imageDigest()).isEqualTo(written.guest().imageDigest());
        assertThat(read.isa()).isEqualTo(written.isa());
        assertThat(read.techniques()).isEqualTo(written.techniques());
        VmConfig r = read.config();
        VmConfig w = written.config();
        assertThat(r.name()).isEqualTo(w.name());
        assertThat(r.memoryBytes()).isEqualTo(w.memoryBytes());
        assertThat(r.frameLimit()).isEqualTo(w.frameLimit());
        assertThat(r.fuel()).isEqualTo(w.fuel());
        assertThat(r.devices().consoleInput()).isEqualTo(w.devices().consoleInput());
        assertThat(r.devices().consoleOutputCap()).isEqualTo(w.devices().consoleOutputCap());
        assertThat(r.devices().diskSectors()).isEqualTo(w.devices().diskSectors());
        assertThat(r.devices().diskImage()).isEqualTo(w.devices().diskImage());
        assertThat(r.devices().networkPeer()).isInstanceOf(EchoPeer.class);
        assertThat(read.state().vcpu()).isEqualTo(written.state().vcpu());
        assertThat(read.state().devices()).isEqualTo(written.state().devices());
        assertThat(read.pages()).isEqualTo(written.pages());
    }
}
