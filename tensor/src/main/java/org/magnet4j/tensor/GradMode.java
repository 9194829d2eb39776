package org.magnet4j.tensor;

/**
 * Whether ops record their backward. {@code try (var g = GradMode.noGrad()) { ... }} runs inference that
 * records nothing, keeping no activations alive for a backward pass.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    public static Scope noGrad() { return set(false); }

    public static Scope enableGrad() { return set(true); }

    private static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = on;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }
}
