package io.csflow.core.learn;

/** Plain gradient descent, theta -= lr * grad. Stateless. */
public final class SgdOptimizer implements Optimizer {

    private final double lr;

    public SgdOptimizer(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        this.lr = lr;
    }

    public double learningRate() {
        return lr;
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizer.checkShapes(params, grads);
        for (int j = 0; j < params.length; j++) {
            params[j] = (float) (params[j] - lr * grads[j]);
        }
    }
}
