package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Kernel timing from OpenCL events, on when the JVM runs with -Dmagnet.opencl.profile=true (the queue is then
 * created with CL_QUEUE_PROFILING_ENABLE). Events are resolved in batches so few stay alive.
 */
public final class ClProfiler {
    private record Pending(String kernel, cl_event event) {}

    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, long[]> totals = new TreeMap<>(); // kernel -> {calls, nanoseconds}

    synchronized void record(String kernel, cl_event event) {
        pending.add(new Pending(kernel, event));
        if (pending.size() >= 1024) resolve();
    }

    private void resolve() {
        for (Pending p : pending) {
            ClException.check("clWaitForEvents", clWaitForEvents(1, new cl_event[] {p.event()}));
            long[] start = new long[1], end = new long[1];
            ClException.check("clGetEventProfilingInfo", clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null));
            ClException.check("clGetEventProfilingInfo", clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null));
            long[] t = totals.computeIfAbsent(p.kernel(), k -> new long[2]);
            t[0]++;
            t[1] += end[0] - start[0];
            clReleaseEvent(p.event());
        }
        pending.clear();
    }

    /** Forgets what was recorded so far (e.g. a warm-up's one-time work). */
    public synchronized void reset() {
        resolve();
        totals.clear();
    }

    /** kernel name -> {calls, total device nanoseconds}, after waiting for pending kernels. */
    public synchronized Map<String, long[]> totals() {
        resolve();
        Map<String, long[]> copy = new TreeMap<>();
        totals.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** One line per kernel: calls and milliseconds. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        totals().forEach((k, v) -> sb.append(String.format("%-28s %8d calls %10.3f ms%n", k, v[0], v[1] / 1e6)));
        return sb.toString();
    }
}
