package org.magnet4j.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the backend for a device through {@link BackendProvider}s on the class path (ServiceLoader). */
public final class Backends {
    private static final Map<Device, Backend> CACHE = new ConcurrentHashMap<>();
    private static volatile List<BackendProvider> providers;

    private Backends() {}

    public static Backend cpu() { return get(Device.CPU); }

    public static Backend get(Device device) {
        return CACHE.computeIfAbsent(device, Backends::create);
    }

    private static Backend create(Device device) {
        StringBuilder reasons = new StringBuilder();
        for (BackendProvider p : providers()) {
            if (!p.deviceType().equals(device.type())) continue;
            try {
                return p.create(device);
            } catch (BackendUnavailableException e) {
                reasons.append("\n  ").append(p.getClass().getSimpleName()).append(": ").append(e.getMessage());
            }
        }
        if (reasons.isEmpty())
            throw new BackendUnavailableException("no backend for device '" + device + "' on the class path"
                    + " (known device types: " + knownTypes() + ")");
        throw new BackendUnavailableException("device '" + device + "' is not usable:" + reasons);
    }

    /** True when a backend for the device can be created here. */
    public static boolean isAvailable(Device device) {
        try {
            get(device);
            return true;
        } catch (BackendUnavailableException e) {
            return false;
        }
    }

    private static List<String> knownTypes() {
        List<String> t = new ArrayList<>();
        for (BackendProvider p : providers()) t.add(p.deviceType());
        return t;
    }

    private static List<BackendProvider> providers() {
        if (providers == null) {
            List<BackendProvider> list = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class).forEach(list::add);
            providers = list;
        }
        return providers;
    }
}
