package org.magnet4j.nn;

import java.util.List;

/** What loadStateDict found: keys the module wanted but the file lacked, and keys the file had in excess. */
public record LoadReport(List<String> missingKeys, List<String> unexpectedKeys) {
    public boolean isClean() { return missingKeys.isEmpty() && unexpectedKeys.isEmpty(); }

    @Override public String toString() {
        return "missing keys " + missingKeys.size() + (missingKeys.isEmpty() ? "" : " " + preview(missingKeys))
                + ", unexpected keys " + unexpectedKeys.size() + (unexpectedKeys.isEmpty() ? "" : " " + preview(unexpectedKeys));
    }

    private static String preview(List<String> keys) {
        return keys.size() <= 8 ? keys.toString() : keys.subList(0, 8) + " ...";
    }
}
