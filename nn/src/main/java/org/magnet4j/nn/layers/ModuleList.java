package org.magnet4j.nn.layers;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.magnet4j.nn.Module;

/** Children named "0", "1", ... held for the owner to call, as torch.nn.ModuleList. */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList<M> add(M m) {
        child(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    @Override public Iterator<M> iterator() { return items.iterator(); }
}
