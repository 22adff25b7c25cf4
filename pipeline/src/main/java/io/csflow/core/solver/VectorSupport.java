package io.csflow.core.solver;

/**
 * Whether the low-rank theta stage runs its per-record loops on the JDK's Vector API (jdk.incubator.vector)
 * or on plain Java loops. The Vector API is an incubator module in Java 17: a JVM has it only when started
 * with {@code --add-modules=jdk.incubator.vector} (the csflow launcher, ops/ scripts, docker files and tests
 * all pass it). Without it everything still works, at the plain loops' speed: the reductions (dot products)
 * and the fused gradient-and-Adam sweeps are then scalar, since the JIT vectorises neither (measured on one
 * core at B=64: 0.97 vs 0.15 ns per element for the dot products, 2.3 vs 0.7 ns per pair of parameters for
 * the gradient and Adam step).
 */
public final class VectorSupport {

    /** System property that turns the Vector API off even where the module is present (A/B measurements). */
    public static final String DISABLE_PROPERTY = "csflow.vector-api";

    static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"off".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY));

    private VectorSupport() {
    }

    /** Whether the Vector API kernels are in use. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** One line for logs and reports: which kernels run, and how to get the fast ones when they do not. */
    public static String describe() {
        if (ENABLED) {
            return "Vector API kernels (" + VectorKernels.lanes() + " float lanes)";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return "plain Java kernels (-D" + DISABLE_PROPERTY + "=off)";
        }
        return "plain Java kernels: start the JVM with --add-modules=jdk.incubator.vector for the Vector API ones"
                + " (measured 1.08-1.11x faster CS-BGM)";
    }
}
