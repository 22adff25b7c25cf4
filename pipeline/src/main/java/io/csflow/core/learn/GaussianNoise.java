package io.csflow.core.learn;

/**
 * Counter-based N(0, s^2) noise: the vector for (seed, step) is a pure function of the two, so a state
 * of (seed, step) replaces an RNG state in snapshots and any xi_t can be regenerated. SplitMix64
 * (Steele, Lea and Flood, OOPSLA 2014) seeded by mixing seed and step, Box-Muller pairs; fixed here rather
 * than borrowed from java.util.random so figures do not change with the JDK.
 */
final class GaussianNoise {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private GaussianNoise() {
    }

    /** Fills out with s * z, z ~ N(0, I) determined by (seed, step). */
    static void fill(long seed, long step, double s, float[] out) {
        long state = mix(seed ^ mix(step * GOLDEN + 0x632BE59BD9B4E019L));
        for (int j = 0; j < out.length; j += 2) {
            state += GOLDEN;
            double u1 = ((mix(state) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
            state += GOLDEN;
            double u2 = (mix(state) >>> 11) * 0x1.0p-53;       // [0, 1)
            double r = Math.sqrt(-2 * Math.log(u1));
            double angle = 2 * Math.PI * u2;
            out[j] = (float) (s * r * Math.cos(angle));
            if (j + 1 < out.length) {
                out[j + 1] = (float) (s * r * Math.sin(angle));
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
