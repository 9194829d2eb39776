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

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
