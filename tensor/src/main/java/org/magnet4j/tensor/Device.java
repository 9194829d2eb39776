package org.magnet4j.tensor;

import java.util.Locale;

/** Where a tensor's storage lives: "cpu", "cuda:0", "opencl:1". */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        type = type.toLowerCase(Locale.ROOT);
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /** Parses "cpu", "cuda", "cuda:1", "opencl:0". */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) return new Device(s, 0);
        try {
            return new Device(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device '" + spec + "': expected TYPE or TYPE:INDEX, e.g. cuda:0");
        }
    }

    public boolean isCpu() { return type.equals("cpu"); }

    @Override public String toString() { return isCpu() ? "cpu" : type + ":" + index; }
}
