package org.magnet4j.tensor;

/**
 * One recorded op on the autograd tape: its inputs and the rule that turns the output's gradient into the
 * inputs' gradients (null for an input that needs none).
 */
public final class GradNode {
    /** The backward rule of one op. Runs with recording off. */
    @FunctionalInterface
    public interface Rule {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Tensor[] inputs;
    final Rule rule;

    GradNode(String op, Tensor[] inputs, Rule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    public String op() { return op; }
}
