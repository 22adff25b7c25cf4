package io.csflow.core.nn;

/**
 * Whether csflow's hot element-wise loops run on the JDK's Vector API (jdk.incubator.vector) or on plain Java
 * loops and ND4J ops: the low-rank theta stage's per-record loops (dot products, the fused gradient-and-Adam
 * sweeps) and the activations (softplus and sigmoid, whose exp and log1p the Vector API computes with the
 * JDK's SIMD math library). The Vector API is an incubator module in Java 17: a JVM has it only when started
 * with {@code --add-modules=jdk.incubator.vector} (the csflow launcher, ops/ scripts, docker files and tests
 * all pass it). Without it everything still works, more slowly: the JIT vectorises neither reductions nor
 * large loop bodies, and ND4J's transforms are scalar (measured on one core at B=64: dot products 0.97 vs
 * 0.15 ns per element, gradient and Adam step 2.3 vs 0.7 ns per pair of parameters, softplus of 64 x 500
 * ~185 vs ~60 us).
 *
 * <p>Only {@code fromArray}/{@code intoArray} and lane-wise operations are used, the part of the API that
 * stayed the same from Java 17 on.
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
            return "Vector API kernels (" + VectorActivations.lanes() + " float lanes)";
        }
        if (MODULE) {
            return "plain Java kernels (-D" + DISABLE_PROPERTY + "=off)";
        }
        return "plain Java kernels: start the JVM with --add-modules=jdk.incubator.vector for the Vector API ones";
    }
}
