package org.magnet4j.kernels;

import java.io.PrintStream;
import java.util.Locale;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/**
 * The tools' {@code --device} option: "cpu", "cuda", "cuda:N", "opencl", "opencl:N", or "auto" (the first CUDA GPU
 * when one is usable, else the CPU, saying which and why). An explicit GPU device that is unusable is an error
 * that says what is missing; the tools fall back to the CPU only when asked to (auto).
 */
public final class Devices {
    public static final String CHOICES = "cpu, cuda, cuda:N, opencl, opencl:N or auto";

    private Devices() {}

    /** Resolves a --device value, printing auto's choice to stderr. */
    public static Device resolve(String spec) { return resolve(spec, System.err); }

    /**
     * Resolves a --device value to a usable device. Throws IllegalArgumentException for an unknown value and
     * BackendUnavailableException (with the backend's reasons and a hint) for an explicit device that cannot be used.
     */
    public static Device resolve(String spec, PrintStream log) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("--device needs a value: " + CHOICES);
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            Device cuda = Device.parse("cuda");
            try {
                Backends.get(cuda);
                if (log != null) log.println("--device auto: using " + cuda + " (" + Backends.get(cuda) + ")");
                return cuda;
            } catch (BackendUnavailableException e) {
                if (log != null) log.println("--device auto: using the CPU; CUDA is not usable here: " + firstLine(e.getMessage()));
                return Device.CPU;
            }
        }
        Device d;
        try {
            d = Device.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad --device '" + spec + "': expected " + CHOICES);
        }
        if (!d.type().equals("cpu") && !d.type().equals("cuda") && !d.type().equals("opencl"))
            throw new IllegalArgumentException("unknown --device '" + spec + "': expected " + CHOICES);
        if (d.isCpu()) return Device.CPU;
        try {
            Backends.get(d);
        } catch (BackendUnavailableException e) {
            String msg = e.getMessage();
            if (!msg.contains("--device auto")) msg += "\n  Use --device cpu to run on the CPU, or --device auto to fall back to the CPU when no GPU is usable.";
            throw new BackendUnavailableException("--device " + spec + ": " + msg, e);
        }
        return d;
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i) + " (details: --device cuda)";
    }
}
