package io.csflow.core.learn;

import java.util.Random;

/** Random task gradients for the weighting tests. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * K gradients g_i = n_i (c_i z_0 + z_i) / ||.||: a shared component z_0 with random signed weight c_i
     * (so tasks agree or conflict), scaled to norms n_i spread log-uniformly from 1 to maxRatio.
     */
    static float[][] correlated(int k, int p, double maxRatio, long seed) {
        Random rnd = new Random(seed);
        double[] shared = gaussian(rnd, p);
        float[][] g = new float[k][p];
        for (int i = 0; i < k; i++) {
            double c = 2 * rnd.nextDouble() - 1;
            double[] own = gaussian(rnd, p);
            double[] raw = new double[p];
            double sq = 0;
            for (int j = 0; j < p; j++) {
                raw[j] = 2 * c * shared[j] + own[j];
                sq += raw[j] * raw[j];
            }
            double norm = k == 1 ? 1 : Math.pow(maxRatio, (double) i / (k - 1));
            double f = norm / Math.sqrt(sq);
            for (int j = 0; j < p; j++) {
                g[i][j] = (float) (raw[j] * f);
            }
        }
        return g;
    }

    static double[] positiveLosses(int k, long seed) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        double[] losses = new double[k];
        for (int i = 0; i < k; i++) {
            losses[i] = 0.1 + rnd.nextDouble() * 10;
        }
        return losses;
    }

    static double[] gaussian(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
        }
        return x;
    }

    static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    /** a^T M a: the squared norm of sum a_i g_i. */
    static double quadratic(double[][] m, double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i] * m[i][j] * a[j];
            }
        }
        return s;
    }
}
