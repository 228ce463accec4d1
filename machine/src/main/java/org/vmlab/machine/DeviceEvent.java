package org.vmlab.machine;

/**
 * What a device scheduled on the {@link Clock}, as a value: a record naming what comes due (a
 * timer expiry, a disk request's completion, a frame's arrival) with the data it needs, and no
 * code. The clock's queue is then plain data that can be compared, captured and rebuilt; the
 * device the event belongs to acts on it when it comes due.
 */
public interface DeviceEvent {
}
