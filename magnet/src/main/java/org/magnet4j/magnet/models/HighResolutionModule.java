package org.magnet4j.magnet.models;

import java.util.ArrayList;
import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.ModuleList;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.Tensor;

/**
 * One HRNet exchange unit: each branch runs its BasicBlocks, then every output branch i sums all
 * branches j brought to its resolution and width (j > i: 1x1 conv + BN, then bilinear upsampling with
 * align_corners=True; j < i: chains of stride-2 3x3 conv + BN with ReLU between; j == i: as is), ReLU.
 * Names: {@code branches.<i>.<block>}, {@code fuse_layers.<i>.<j>...} (j == i is an empty slot, as the
 * reference's {@code None}). Always multi-scale output (HRNet-OCR keeps every branch).
 */
public final class HighResolutionModule extends Module {
    private final ModuleList<Sequential> branches = new ModuleList<>();
    private final ModuleList<ModuleList<Module>> fuseLayers = new ModuleList<>();
    private final int n;

    public HighResolutionModule(int blocks, int[] channels, double bnMomentum) {
        n = channels.length;
        for (int c : channels) {
            BasicBlock[] bs = new BasicBlock[blocks];
            for (int b = 0; b < blocks; b++) bs[b] = new BasicBlock(c, bnMomentum);
            branches.add(new Sequential(bs));
        }
        child("branches", branches);
        if (n > 1) {
            for (int i = 0; i < n; i++) {
                ModuleList<Module> row = new ModuleList<>();
                for (int j = 0; j < n; j++) {
                    if (j > i) row.add(ConvBnAct.seq(Layers.conv1x1(channels[j], channels[i], 1, false), Layers.bn(channels[i], bnMomentum), false));
                    else if (j == i) row.add(new Absent());
                    else {
                        List<Module> chain = new ArrayList<>();
                        for (int k = 0; k < i - j; k++) {
                            boolean last = k == i - j - 1;
                            int out = last ? channels[i] : channels[j];
                            BatchNorm2d bn = Layers.bn(out, bnMomentum);
                            chain.add(ConvBnAct.seq(Layers.conv3x3(channels[j], out, 2, false), bn, !last));
                        }
                        row.add(new Sequential(chain.toArray(Module[]::new)));
                    }
                }
                fuseLayers.add(row);
            }
            child("fuse_layers", fuseLayers);
        }
    }

    /** In inference, gives back the memory of t, a tensor this forward made, unless it is the tensor it came from. */
    private static void releaseIntermediate(Tensor t, Tensor source) {
        if (t != source) t.release();
    }

    public List<Tensor> forward(List<Tensor> x) {
        if (x.size() != n) throw new IllegalArgumentException("HighResolutionModule: " + n + " branches, got " + x.size() + " inputs");
        List<Tensor> y = new ArrayList<>(n);
        for (int i = 0; i < n; i++) y.add(branches.get(i).forward(x.get(i)));
        if (n == 1) return y;
        List<Tensor> fused = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ModuleList<Module> row = fuseLayers.get(i);
            int h = y.get(i).size(2), w = y.get(i).size(3);
            Tensor s = i == 0 ? y.get(0) : row.get(0).forward(y.get(0));
            for (int j = 1; j < n; j++) {
                Tensor t;
                if (j == i) t = y.get(j);
                else if (j > i) {
                    Tensor narrow = row.get(j).forward(y.get(j));
                    t = Layers.resizeBilinear(narrow, h, w, true);
                    if (t != narrow) releaseIntermediate(narrow, y.get(j));
                } else t = row.get(j).forward(y.get(j));
                Tensor sum = s.add(t);
                releaseIntermediate(s, y.get(0));
                if (j != i) releaseIntermediate(t, y.get(j));
                s = sum;
            }
            fused.add(s.relu());
            releaseIntermediate(s, y.get(0));
        }
        for (int j = 0; j < n; j++) releaseIntermediate(y.get(j), x.get(j)); // branch outputs, not our inputs
        return fused;
    }
}
