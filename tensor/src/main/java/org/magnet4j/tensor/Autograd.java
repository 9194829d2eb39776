package org.magnet4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Records ops on the tape and runs reverse mode over it. */
public final class Autograd {
    private Autograd() {}

    /** Attaches a backward rule to out when recording is on and some input needs a gradient. Returns out. */
    public static Tensor record(Tensor out, String op, GradNode.Rule rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.setGradNode(new GradNode(op, inputs, rule));
        return out;
    }

    /** Backpropagates gradOutput from root into the .grad of every leaf that requires a gradient. */
    public static void backward(Tensor root, Tensor gradOutput) {
        if (!root.requiresGrad())
            throw new TensorException("backward: the tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)");
        if (!java.util.Arrays.equals(root.shape(), gradOutput.shape()))
            throw new TensorException("backward: gradient shape " + Shapes.str(gradOutput.shape()) + " does not match output shape " + Shapes.str(root.shape()));
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradOutput);
        try (var g = GradMode.noGrad()) {
            for (Tensor t : order) {
                Tensor gt = grads.remove(t);
                if (gt == null) continue;
                GradNode node = t.gradNode();
                if (node == null) { // a leaf
                    t.accumulateGrad(gt);
                    continue;
                }
                Tensor[] inGrads = node.rule.apply(gt);
                for (int i = 0; i < node.inputs.length; i++) {
                    Tensor in = node.inputs[i];
                    if (in == null || !in.requiresGrad() || inGrads[i] == null) continue;
                    Tensor gi = inGrads[i];
                    if (!java.util.Arrays.equals(gi.shape(), in.shape()))
                        throw new IllegalStateException("backward of " + node.op + " gave gradient " + Shapes.str(gi.shape()) + " for input " + Shapes.str(in.shape()));
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gi : prev.add(gi));
                }
            }
        }
    }

    /** Nodes from root to leaves such that every tensor comes after all tensors that consume it. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {tensor, next input index}
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            GradNode node = t.gradNode();
            int i = (Integer) frame[1];
            if (node != null && i < node.inputs.length) {
                frame[1] = i + 1;
                Tensor in = node.inputs[i];
                if (in != null && in.requiresGrad() && visited.add(in)) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                post.add(t);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
