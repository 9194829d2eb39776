package org.magnet4j.magnet.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A datalist file ({@code --datalist}): one {@code image<TAB>label} pair a line, paths relative to the data root
 * ({@code os.path.join(root, token)}: an absolute path stays as it is). Blank lines are skipped; fields after the
 * second are ignored, as in the reference. Errors name the file and the line.
 */
public final class Datalist {
    private Datalist() {}

    /** One pair, with the 1-based line it came from. */
    public record Entry(Path image, Path label, int line) {}

    /** Reads the list and checks that every image and label file exists. */
    public static List<Entry> read(Path datalist, Path root) { return read(datalist, root, true); }

    public static List<Entry> read(Path datalist, Path root, boolean checkFiles) {
        List<String> lines;
        try {
            lines = Files.readAllLines(datalist, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ImageFileException(datalist, "datalist not found: " + datalist, e);
        } catch (IOException e) {
            throw new ImageFileException(datalist, "cannot read datalist " + datalist + ": " + e, e);
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            int n = i + 1;
            String[] tokens = line.split("\t");
            if (tokens.length < 2 || tokens[0].isBlank() || tokens[1].isBlank())
                throw new ImageFileException(datalist, datalist + ":" + n + ": expected 'image<TAB>label', got '" + abbreviate(line) + "'");
            Path image = root.resolve(tokens[0].strip());
            Path label = root.resolve(tokens[1].strip());
            if (checkFiles) {
                if (!Files.isRegularFile(image)) throw new ImageFileException(image, datalist + ":" + n + ": image file not found: " + image);
                if (!Files.isRegularFile(label)) throw new ImageFileException(label, datalist + ":" + n + ": label file not found: " + label);
            }
            out.add(new Entry(image, label, n));
        }
        return out;
    }

    private static String abbreviate(String s) { return s.length() <= 120 ? s : s.substring(0, 117) + "..."; }
}
