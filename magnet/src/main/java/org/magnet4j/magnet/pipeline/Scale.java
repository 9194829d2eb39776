package org.magnet4j.magnet.pipeline;

import java.util.ArrayList;
import java.util.List;

/** One magnification level: the whole image is resized to width x height before patches are cut. */
public record Scale(int width, int height) {
    public Scale {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("scale " + width + "-" + height + " must be positive");
    }

    /** Parses the reference's "--scales 256-128,512-256,..." (width-height pairs, coarse to fine). */
    public static List<Scale> parseList(String spec) {
        List<Scale> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] wh = part.trim().split("-");
            if (wh.length != 2) throw new IllegalArgumentException("bad scale '" + part + "' in --scales " + spec + ": expected WIDTH-HEIGHT");
            try {
                out.add(new Scale(Integer.parseInt(wh[0].trim()), Integer.parseInt(wh[1].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad scale '" + part + "' in --scales " + spec + ": expected WIDTH-HEIGHT integers");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--scales is empty");
        return out;
    }

    @Override public String toString() { return width + "x" + height; }
}
