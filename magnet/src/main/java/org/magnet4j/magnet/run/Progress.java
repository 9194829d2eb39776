package org.magnet4j.magnet.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA: {@code test 3/10 [=====>        ]  30%  1.24 s/it  ETA 0:08  <message>}.
 * On a terminal the line is redrawn in place ({@code \r}); otherwise (a log file, a test) every update is its own
 * line, so logs stay readable.
 */
public final class Progress {
    private static final int BAR = 24;
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean inPlace;
    private final long start = System.nanoTime();
    private int lastLength;

    public Progress(PrintStream out, String label, int total, boolean inPlace) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 0);
        this.inPlace = inPlace;
    }

    /** In place when the JVM has a terminal and the stream is standard output. */
    public static Progress create(PrintStream out, String label, int total) {
        java.io.Console c = System.console();
        return new Progress(out, label, total, out == System.out && c != null && c.isTerminal());
    }

    /** Reports that {@code done} of the total items are finished. */
    public void update(int done, String message) {
        if (out == null) return;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double perItem = done > 0 ? elapsed / done : 0;
        double eta = perItem * (total - done);
        int filled = total == 0 ? BAR : (int) ((long) BAR * done / total);
        StringBuilder bar = new StringBuilder();
        for (int i = 0; i < BAR; i++) bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        String line = String.format(Locale.ROOT, "%s %d/%d [%s] %3d%%  %s  ETA %s%s", label, done, total, bar,
                total == 0 ? 100 : 100L * done / total, perItem >= 1 || perItem == 0 ? String.format(Locale.ROOT, "%.2f s/it", perItem)
                        : String.format(Locale.ROOT, "%.2f it/s", 1 / perItem), clock(eta),
                message == null || message.isEmpty() ? "" : "  " + message);
        if (inPlace) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
            if (done >= total) out.println();
        } else out.println(line);
        out.flush();
    }

    public double elapsedSeconds() { return (System.nanoTime() - start) / 1e9; }

    /** h:mm:ss or m:ss. */
    public static String clock(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
