package io.csflow.core.operator;

/**
 * The pseudo-random generator every sensor implementation (C, Python, Java) reproduces bit for bit,
 * so that an {@link OperatorSpec} alone determines the matrix A. See docs/operators.md.
 *
 * <p>Why SplitMix64: it is a few lines in any language, has a 64-bit state that is the seed itself,
 * and passes BigCrush; we need reproducibility, not cryptographic strength.
 *
 * <p>All arithmetic is on unsigned 64-bit integers modulo 2^64 (Java's long arithmetic wraps the same
 * way; only shifts must be the logical {@code >>>}). Not thread-safe: one instance per build.
 */
public final class SplitMix64 {

    private static final double TWO_PI = 2.0 * Math.PI;
    /** 2^-53: turns the top 53 bits of a draw into a double in [0, 1). */
    private static final double INV_2_53 = 0x1.0p-53;

    private long state;
    /** Second Box-Muller output, kept for the next {@link #nextGaussian()} call. */
    private double spareGaussian;
    private boolean hasSpare;

    /** The state starts as the seed, read as an unsigned 64-bit integer (two's complement for negatives). */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** state += 0x9E3779B97F4A7C15; then the SplitMix64 finaliser of the new state. */
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1): (nextLong() >>> 11) * 2^-53, i.e. the top 53 bits. Exact in double. */
    public double nextDouble() {
        return (nextLong() >>> 11) * INV_2_53;
    }

    /**
     * Standard normal by Box-Muller, in double. A pair of draws u = nextDouble(), v = nextDouble() gives
     * r = sqrt(-2 ln(1 - u)) (1 - u lies in (0, 1], so the log is finite), then first r cos(2 pi v),
     * and on the following call r sin(2 pi v). StrictMath keeps the result identical on every JVM.
     */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u1 = 1.0 - nextDouble();
        double v = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double angle = TWO_PI * v;
        spareGaussian = r * StrictMath.sin(angle);
        hasSpare = true;
        return r * StrictMath.cos(angle);
    }

    /**
     * Uniform integer in [0, k): floor(nextDouble() * k), the product taken in double. For 0 < k <= 2^31
     * the product is exact-enough that the result is always below k (u <= 1 - 2^-53); the small bias
     * of at most k / 2^53 is irrelevant here and keeps the rule trivial to port.
     */
    public int nextInt(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("nextInt bound must be positive, got " + k);
        }
        return (int) (nextDouble() * k);
    }

    /**
     * Partial Fisher-Yates: chooses m distinct entries of {@code pool} in order. For i = 0 .. m-1:
     * j = i + nextInt(len - i); swap pool[i] and pool[j]. The result is pool[0 .. m-1] in that order.
     * The pool is modified in place.
     */
    public int[] choose(int[] pool, int m) {
        if (m < 0 || m > pool.length) {
            throw new IllegalArgumentException("cannot choose " + m + " of " + pool.length + " items");
        }
        for (int i = 0; i < m; i++) {
            int j = i + nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return java.util.Arrays.copyOf(pool, m);
    }

    /** Partial Fisher-Yates on the pool 0, 1, ..., n-1: m distinct indices below n, in drawn order. */
    public int[] chooseIndices(int n, int m) {
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        return choose(pool, m);
    }
}
