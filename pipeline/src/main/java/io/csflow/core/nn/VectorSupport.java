package io.csflow.core.nn;

import jdk.incubator.vector.FloatVector;

/**
 * Whether csflow's hot element-wise loops run on the JDK's Vector API (jdk.incubator.vector) or as plain Java
 * loops and ND4J ops: the low-rank theta stage's per-record loops (dot products, the fused gradient-and-Adam
 * sweeps, {@code VectorKernels}) and the softplus and sigmoid activations ({@link VectorActivations}). The
 * Vector API is an incubator module in Java 17: a JVM has it only when started with
 * {@code --add-modules=jdk.incubator.vector} (the csflow launcher, ops/ scripts, docker files and tests all
 * pass it). Without it everything still works, more slowly: the JIT vectorises neither reductions nor large
 * loop bodies, and ND4J's transforms are scalar (measured on one core at B=64: dot products 0.97 vs 0.15 ns
 * per element, gradient and Adam step 2.3 vs 0.7 ns per pair of parameters, softplus of 64 x 500 ~185 vs
 * ~30 us).
 *
 * <p>The kernels use lane-wise add, mul, fma, div, sqrt, compares, blends, bit shifts and ordered reductions
 * only, whose results are the same bits interpreted and compiled. Not the API's EXP/LOG1P: those run the JDK's
 * SIMD math library once compiled but a Java fallback before, an ulp apart, so a solver's first calls in a JVM
 * did not repeat bit for bit (LowRankScopeTest failed when run alone); {@link VectorActivations} has its own.
 */
public final class VectorSupport {

    /** System property that turns the Vector API off even where the module is present (A/B measurements). */
    public static final String DISABLE_PROPERTY = "csflow.vector-api";

    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean ENABLED = MODULE && !"off".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY));

    private VectorSupport() {
    }

    /** Whether the Vector API kernels are in use (a constant: the JIT folds the branches on it). */
    public static boolean enabled() {
        return ENABLED;
    }

    /** One line for logs and reports: which kernels run, and how to get the fast ones when they do not. */
    public static String describe() {
        if (ENABLED) {
            // only reached with the module present, so FloatVector resolves
            return "Vector API kernels (" + FloatVector.SPECIES_PREFERRED.length() + " float lanes)";
        }
        if (MODULE) {
            return "plain Java kernels (-D" + DISABLE_PROPERTY + "=off)";
        }
        return "plain Java kernels: start the JVM with --add-modules=jdk.incubator.vector for the Vector API ones"
                + " (csgm ~1.1x, CS-BGM ~1.2x faster, measured)";
    }
}
