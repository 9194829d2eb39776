package org.magnet4j.magnet.pipeline;

import java.util.List;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;

/**
 * Step 9: refined patches placed on a canvas of the scale's size. Every patch, resized to the pixel size
 * of the first selected box, is assigned (later patches overwrite earlier) at its rounded box, and the canvas
 * is divided by a coverage count taken over boxes shrunk by 10 pixels per side; mask = count > 0.
 */
record Canvas(Tensor values, Tensor mask) {
    static final int SHRINK = 10;

    /** @param resized the refined patches in selection order, already at the first box's pixel size, in batches */
    static Canvas assemble(List<Tensor> resized, double[][] boxes, int[] picked, int classes, int h, int w) {
        int ph = resized.get(0).size(2), pw = resized.get(0).size(3);
        Device device = resized.get(0).device(); // where the patches are: the canvas is made there
        Tensor canvas = Tensor.zeros(device, DType.FLOAT32, 1, classes, h, w);
        Tensor count = Tensor.zeros(device, DType.FLOAT32, 1, 1, h, w);
        int part = 0, inPart = 0;
        for (int k = 0; k < picked.length; k++, inPart++) {
            if (inPart == resized.get(part).size(0)) {
                part++;
                inPart = 0;
            }
            int[] b = rounded(boxes[picked[k]]);
            if (b[3] - b[1] != ph || b[2] - b[0] != pw)
                throw new IllegalStateException("patch " + picked[k] + " box " + java.util.Arrays.toString(b) + " differs in size from the first selected box " + ph + "x" + pw);
            region(canvas, b, 0).assign(resized.get(part).narrow(0, inPart, 1));
            int y0 = b[1] + SHRINK, y1 = b[3] - SHRINK, x0 = b[0] + SHRINK, x1 = b[2] - SHRINK;
            if (y1 > y0 && x1 > x0) {
                Tensor c = count.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0);
                c.assign(c.add(1.0));
            }
        }
        Tensor values = canvas.div(count.maximum(1.0));
        return new Canvas(values, count.gt(0.0));
    }

    private static Tensor region(Tensor t, int[] b, int shrink) {
        return t.narrow(2, b[1] + shrink, b[3] - b[1] - 2 * shrink).narrow(3, b[0] + shrink, b[2] - b[0] - 2 * shrink);
    }

    /** torch.round: half to even. */
    static int[] rounded(double[] box) {
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) r[i] = (int) Math.rint((float) box[i]);
        return r;
    }
}
