package io.csflow.core.solver;

/**
 * Seeds for ND4J's random generator. ND4J treats seed 0 as "not seeded" (two runs seeded with 0 draw
 * different numbers), and seed + call counters hit 0 for the default seed, so every seed is passed
 * through the SplitMix64 finaliser and kept away from 0.
 */
final class Seeds {

    private Seeds() {
    }

    /** A well-mixed, non-zero seed for the {@code call}-th batch of a solver seeded with {@code seed}. */
    static long forCall(long seed, long call) {
        long z = seed * 0x9E3779B97F4A7C15L + call + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }
}
