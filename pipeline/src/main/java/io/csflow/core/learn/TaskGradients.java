package io.csflow.core.learn;

import java.util.Arrays;

/**
 * K per-task gradients of the same P parameters, with the tasks' losses, and their K x K Gram matrix
 * G G^T computed once, in double, on first use.
 *
 * <p>The gradient arrays are held, not copied: callers must not modify them while this object is in use.
 * The Gram matrix is computed in blocks of parameters so that all K gradients stay in cache together,
 * which keeps P up to ~10^6 at a few tens of milliseconds for K = 10.
 */
public final class TaskGradients {

    private static final int BLOCK = 2048;

    private final float[][] gradients;
    private final double[] losses;
    private double[][] gram;

    private TaskGradients(float[][] gradients, double[] losses) {
        this.gradients = gradients;
        this.losses = losses;
    }

    /**
     * @param gradients K arrays of equal length P (K >= 1), held not copied
     * @param losses the K tasks' losses (copied)
     */
    public static TaskGradients of(float[][] gradients, double[] losses) {
        if (gradients == null || gradients.length == 0) {
            throw new IllegalArgumentException("need at least one task gradient, got "
                    + (gradients == null ? "null" : "0"));
        }
        if (losses == null || losses.length != gradients.length) {
            throw new IllegalArgumentException("need one loss per task: " + gradients.length + " gradients but "
                    + (losses == null ? "no" : String.valueOf(losses.length)) + " losses");
        }
        for (int i = 0; i < gradients.length; i++) {
            if (gradients[i] == null) {
                throw new IllegalArgumentException("task " + i + " gradient is null");
            }
            if (gradients[i].length != gradients[0].length) {
                throw new IllegalArgumentException("task " + i + " gradient has " + gradients[i].length
                        + " entries, expected " + gradients[0].length + " (as task 0)");
            }
        }
        return new TaskGradients(gradients, losses.clone());
    }

    public int tasks() {
        return gradients.length;
    }

    public int dimension() {
        return gradients[0].length;
    }

    /** Task i's gradient (the held array, not a copy). */
    public float[] gradient(int i) {
        return gradients[i];
    }

    public double loss(int i) {
        return losses[i];
    }

    public double[] losses() {
        return losses.clone();
    }

    /** The Gram matrix M = G G^T, M_ij = g_i . g_j accumulated in double (a copy; computed once). */
    public double[][] gram() {
        if (gram == null) {
            gram = gram(gradients);
        }
        double[][] copy = new double[gram.length][];
        for (int i = 0; i < gram.length; i++) {
            copy[i] = gram[i].clone();
        }
        return copy;
    }

    /** d = sum_i a_i g_i, accumulated in double and rounded once. */
    public float[] direction(double[] weights) {
        float[] out = new float[dimension()];
        direction(weights, out);
        return out;
    }

    /** Writes d = sum_i a_i g_i into out (length P), which is overwritten. */
    public void direction(double[] weights, float[] out) {
        if (weights.length != tasks()) {
            throw new IllegalArgumentException("got " + weights.length + " weights for " + tasks() + " tasks");
        }
        if (out.length != dimension()) {
            throw new IllegalArgumentException("direction buffer has " + out.length + " entries, expected "
                    + dimension());
        }
        int k = tasks();
        for (int p = 0; p < out.length; p++) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += weights[i] * gradients[i][p];
            }
            out[p] = (float) s;
        }
    }

    /** The Gram matrix of the rows of g, in double, blocked over the columns. */
    static double[][] gram(float[][] g) {
        int k = g.length;
        int n = g[0].length;
        double[][] m = new double[k][k];
        for (int start = 0; start < n; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            for (int i = 0; i < k; i++) {
                float[] gi = g[i];
                for (int j = i; j < k; j++) {
                    float[] gj = g[j];
                    double s = 0;
                    for (int p = start; p < end; p++) {
                        s += (double) gi[p] * gj[p];
                    }
                    m[i][j] += s;
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                m[i][j] = m[j][i];
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "TaskGradients[K=" + tasks() + ", P=" + dimension() + ", losses=" + Arrays.toString(losses) + "]";
    }
}
