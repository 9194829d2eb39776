package org.magnet4j.convert;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python dict or OrderedDict from a pickle (insertion order kept either way). {@code attributes} holds what a
 * BUILD set on it: a state dict's OrderedDict carries {@code _metadata} (module versions) that way.
 */
final class PyDict extends LinkedHashMap<Object, Object> {
    final Map<String, Object> attributes = new LinkedHashMap<>();
}
