package org.magnet4j.nn.layers;

import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/** Children named "0", "1", ... applied in order, as torch.nn.Sequential. */
public class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) child(Integer.toString(i), layers[i]);
    }

    public Module get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    /**
     * Each layer's output feeds the next; in inference the outputs in between are released once the next layer
     * has run (see {@link Tensor#release()}: a no-op while gradients are recorded or when anything else shares
     * the memory), so a forward keeps one activation alive per stage, not one per layer.
     */
    @Override public Tensor forward(Tensor x) {
        Tensor cur = x;
        for (Module m : layers) {
            Tensor next = m.forward(cur);
            if (cur != x && next != cur) cur.release();
            cur = next;
        }
        return cur;
    }
}
