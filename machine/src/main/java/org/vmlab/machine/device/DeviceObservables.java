package org.vmlab.machine.device;

import java.util.List;

/**
 * What a set of devices lets an observer see of a run, to compare a VM with bare metal: the
 * console's output, the disk's requests and final contents, the frames sent on the network. The
 * machine's devices and each VM's report the same way, so neither side is read by its concrete
 * classes.
 */
public interface DeviceObservables {

    /** Everything written to the console. */
    String consoleOutput();

    /** The disk requests, in order. */
    List<DiskRequest> diskRequests();

    /** The network frames sent, in order. */
    List<Frame> frames();

    /** A digest of the disk's contents. */
    String diskDigest();
}
