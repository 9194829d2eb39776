package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 seeded random corruptions (byte flips, special bytes, truncations) of the fixture files in every format.
 * Each load must either succeed or throw a CheckpointException: no other exception, no error, no hang. Half of the
 * zip cases skip CRC checking, so the corruption reaches the zip, pickle and view parsers instead of the checksum.
 */
class FuzzTest {
    static final long SEED = 0x5eed_2024L;
    static final int ITERATIONS = 10_000;

    @TempDir Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tenThousandRandomCorruptionsEndInCheckpointException() throws IOException {
        List<byte[]> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String r : new String[] {"proto4.pth", "proto5.pth", "proto4_legacy.pth", "torch2_style.pth", "big_endian.pth", "deflated.pth"}) {
            files.add(Fixtures.resource(r));
            names.add(r);
        }
        Path shared = Fixtures.sharedDir();
        if (shared != null) {
            for (String f : new String[] {"dtypes_views.pth", "dtypes_views_legacy.pth", "refinement_zip.pth", "refinement_legacy.pth",
                    "refinement_training_checkpoint.pth"}) {
                Path p = shared.resolve("fixtures/formats").resolve(f);
                if (Files.exists(p)) { files.add(Files.readAllBytes(p)); names.add(f); }
            }
            Path dv = shared.resolve("fixtures/formats/dtypes_views.pth");
            if (Files.exists(dv)) {
                Path st = dir.resolve("dtypes_views.safetensors");
                Converter.convert(dv, st, ConvertOptions.defaults());
                files.add(Files.readAllBytes(st));
                names.add("dtypes_views.safetensors");
            }
        }
        LoadOptions noCrc = new LoadOptions(KeyMapping.defaults(), true, null, false);
        Random rnd = new Random(SEED);
        int loaded = 0, refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            int f = rnd.nextInt(files.size());
            byte[] b = files.get(f).clone();
            String how = mutate(b, rnd);
            if (how.startsWith("truncate")) b = java.util.Arrays.copyOf(b, Integer.parseInt(how.substring(9)));
            LoadOptions o = rnd.nextBoolean() ? LoadOptions.defaults() : noCrc;
            try {
                Checkpoints.load(b, names.get(f), o);
                loaded++;
            } catch (CheckpointException e) {
                refused++;
                if (!e.getMessage().startsWith(names.get(f) + ": ")) fail("message does not name the file: " + e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("iteration " + i + " (" + names.get(f) + ", " + how + ", seed " + SEED + "): " + t, t);
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d corruptions of %d files in %.1f s: %d loaded, %d refused with CheckpointException%n",
                ITERATIONS, files.size(), s, loaded, refused);
        assertTrue(refused > ITERATIONS / 10, "most corruptions are detected");
    }

    /** Corrupts b in place; returns a description, or "truncate:N" for the caller to cut. */
    private static String mutate(byte[] b, Random rnd) {
        int kind = rnd.nextInt(10);
        if (kind == 0 || b.length < 2) return "truncate:" + (b.length == 0 ? 0 : rnd.nextInt(b.length));
        int flips = 1 + rnd.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < flips; k++) {
            // Half the time hit the structure: the start (headers, pickle) or the end (zip directory).
            int pos;
            int r = rnd.nextInt(4);
            if (r == 0) pos = rnd.nextInt(Math.min(b.length, 8192));
            else if (r == 1) pos = b.length - 1 - rnd.nextInt(Math.min(b.length, 1024));
            else pos = rnd.nextInt(b.length);
            byte v = kind < 3 ? (byte) new int[] {0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe}[rnd.nextInt(6)] : (byte) (b[pos] ^ (1 << rnd.nextInt(8)));
            b[pos] = v;
            sb.append(pos).append('=').append(v & 0xff).append(' ');
        }
        return sb.toString().trim();
    }
}
