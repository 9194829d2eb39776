package org.magnet4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import picocli.CommandLine;

/** The test and train commands turn bad input into one line on stderr ("error: ..."), exit code 2, no stack trace. */
class CliErrorsTest {
    @TempDir Path dir;
    Path list;

    @BeforeEach void data() throws Exception {
        ImageIo.writePng(RgbImage.filled(64, 32, 10, 20, 30), dir.resolve("a.png"));
        ImageIo.writePng(GrayImage.zeros(64, 32), dir.resolve("a_labelIds.png"));
        list = dir.resolve("list.txt");
        Files.writeString(list, "a.png\ta_labelIds.png\n");
    }

    private List<String> args(String cmd, String... extra) {
        List<String> a = new ArrayList<>(List.of(cmd, "--root", dir.toString(), "--datalist", list.toString(), "--scales", "32-16,64-32",
                "--crop_size", "32", "16", "--input_size", "32", "16", "--model", "hrnet18+ocr", "--num_classes", "19",
                "--pretrained", dir.resolve("backbone.pth").toString(), "--save_dir", dir.resolve("out").toString(), "--log_dir", dir.resolve("runs").toString()));
        if (cmd.equals("test")) a.removeAll(List.of("--log_dir", dir.resolve("runs").toString()));
        else a.removeAll(List.of("--save_dir", dir.resolve("out").toString()));
        a.addAll(List.of(extra));
        return a;
    }

    /** Runs the CLI; returns stderr after checking it is one "error:" line and the exit code is 2. */
    private String fails(List<String> args) {
        CommandLine cl = MagnetCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        String e = err.toString().strip();
        assertEquals(2, code, e);
        assertTrue(e.startsWith("error: ") && !e.contains("\n") && !e.contains("\tat "), e);
        return e;
    }

    @Test void missingDatalist() {
        List<String> a = args("test", "--pretrained_refinement", dir.resolve("r.pth").toString());
        a.set(a.indexOf(list.toString()), dir.resolve("nope.txt").toString());
        assertTrue(fails(a).contains("datalist not found"));
    }

    @Test void missingImageInDatalist() throws Exception {
        Files.writeString(list, "missing.png\ta_labelIds.png\n");
        String e = fails(args("test", "--pretrained_refinement", dir.resolve("r.pth").toString()));
        assertTrue(e.contains("image file not found") && e.contains("missing.png") && e.contains(":1:"), e);
    }

    @Test void missingBackboneWeights() {
        String e = fails(args("test", "--n_patches", "0"));
        assertTrue(e.contains("weights file not found") && e.contains("backbone.pth"), e);
    }

    @Test void firstScaleMustBeOnePatch() {
        List<String> a = args("test", "--pretrained_refinement", dir.resolve("r.pth").toString());
        a.set(a.indexOf("32-16,64-32"), "64-32,128-64");
        assertTrue(fails(a).contains("must be a single patch"));
        List<String> t = args("train");
        t.set(t.indexOf("32-16,64-32"), "64-32,128-64");
        assertTrue(fails(t).contains("must be a single patch"));
    }

    @Test void refinementWeightCountMustBeOneOrOnePerStage() {
        List<String> a = args("test", "--pretrained_refinement", "r1.pth", "r2.pth");
        a.set(a.indexOf("32-16,64-32"), "32-16,64-32,128-64,256-128");
        String e = fails(a);
        assertTrue(e.contains("2 --pretrained_refinement files given for 3 refined scales") && e.contains("give 1 file"), e);
        assertTrue(fails(args("test")).contains("--pretrained_refinement is missing"));
        assertTrue(fails(args("train", "--pretrained_refinement", "r1.pth", "r2.pth")).contains("at most 1"));
    }

    @Test void classCountMustMatchTheDataset() {
        List<String> a = args("test", "--n_patches", "0");
        a.set(a.indexOf("19"), "7");
        assertTrue(fails(a).contains("--num_classes 7 does not match dataset cityscapes"));
    }

    @Test void nothingToResume() {
        assertTrue(fails(args("train", "--resume")).contains("nothing to resume"));
    }

    /** bench pipeline reads its image first: a .npy that is not H x W x 3 uint8 fails at once, naming the file. */
    @Test void benchPipelineRejectsAnImageArrayOfTheWrongShape() throws Exception {
        Path bad = dir.resolve("gray.npy");
        org.magnet4j.tensor.io.Npy.write(bad, org.magnet4j.tensor.DType.UINT8, new int[] {4, 5}, new byte[20]);
        String e = fails(List.of("bench", "pipeline", "--fixtures", dir.toString(), "--image", bad.toString(), "--no_pytorch"));
        assertTrue(e.contains("gray.npy") && e.contains("H x W x 3 uint8"), e);
    }

    /** Asking for CUDA where there is none says what is missing instead of running elsewhere (CI has no GPU). */
    @Test void benchOpsOnAMissingDeviceSaysWhy() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.magnet4j.tensor.Backends.isAvailable(org.magnet4j.tensor.Device.parse("cuda")),
                "a usable GPU is present: nothing is missing");
        CommandLine cl = MagnetCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("bench", "ops", "--device", "cuda", "--no_pytorch");
        String e = err.toString().strip(); // the message lists every place looked at, one per line
        assertEquals(2, code, e);
        assertTrue(e.startsWith("error: ") && !e.contains("\tat ") && e.contains("libcuda.so.1") && e.contains("--device cpu"), e);
    }
}
