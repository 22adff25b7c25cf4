package io.csflow.core.learn;

/**
 * Scale-invariant weighting: a_i = 1 / loss_i, the gradient of sum_i log loss_i, which does not change
 * when a task's loss is multiplied by a constant (Navon et al., ICML 2022, use it as the "SI" baseline).
 * Stateless. A loss that is not positive and finite is rejected: there is no meaningful log.
 */
public final class ScaleInvariantWeighting implements GradientWeighting {

    @Override
    public double[] weights(TaskGradients tasks) {
        double[] a = new double[tasks.tasks()];
        for (int i = 0; i < a.length; i++) {
            double loss = tasks.loss(i);
            if (!(loss > 0) || !Double.isFinite(loss)) {
                throw new IllegalArgumentException("scale-invariant weighting needs positive finite losses, task "
                        + i + " has loss " + loss);
            }
            a[i] = 1.0 / loss;
        }
        return a;
    }
}
