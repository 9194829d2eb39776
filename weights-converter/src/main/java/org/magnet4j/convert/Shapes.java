package org.magnet4j.convert;

/** Shape arithmetic that refuses what a Java array cannot hold, instead of overflowing. */
final class Shapes {
    /** The most elements one Java array may hold (a few below Integer.MAX_VALUE, as the JDK allows). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shapes() {}

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Validates dims from a file: each in [0, MAX_ELEMENTS], product in [0, MAX_ELEMENTS]. */
    static int[] checkedShape(long[] dims, String what) {
        int[] shape = new int[dims.length];
        boolean zero = false;
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            if (d < 0) throw new CorruptInputException(what + " has a negative dimension " + d + " in shape " + str(dims));
            if (d > MAX_ELEMENTS) throw new CorruptInputException(what + " has an absurd dimension " + d + " in shape " + str(dims));
            shape[i] = (int) d;
            zero |= d == 0;
        }
        if (zero) return shape;
        long n = 1;
        for (int d : shape) {
            n *= d; // n <= MAX_ELEMENTS and d < 2^31 before each step: no overflow
            if (n > MAX_ELEMENTS)
                throw new CorruptInputException(what + " has an absurd shape " + str(dims) + " (more than " + MAX_ELEMENTS + " elements)");
        }
        return shape;
    }

    static String str(long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }
}
