package org.magnet4j.convert;

/**
 * A storage named by a persistent id: its key in the container, its type, the device it was saved from
 * (ignored: everything loads on the CPU), and the elements a tensor may address: {@code numel} elements starting
 * at {@code baseOffset} of the root storage, which has {@code rootNumel}. baseOffset is 0 except for the legacy
 * format's storage views.
 */
record StorageRef(String key, StorageType type, String location, long rootNumel, long baseOffset, long numel) {}
