package io.csflow.core.solver;

import io.csflow.core.prior.GenerativePrior;

import java.util.List;

/** Builds a reconstructor from its method name, the one place that knows every method. */
public final class SolverCatalog {

    public static final List<String> METHODS = List.of("auto",
            "lasso-pixel", "lasso-dct", "csgm", "csbgm", "csbgm-batch", "csbgm-record", "csbgm-lowrank", "csbgm-vi");

    /**
     * {@code auto} uses CSGM below this m and CS-BGM from it on. With the low-rank scope and the fast z stage,
     * CS-BGM was no worse than CSGM at the smallest m measured (README evaluation, 256 test images, Gaussian
     * operator, noise 0.1: 0.0177 vs 0.0186 at m=25) and better from m=50 on, and it adds the uncertainty map;
     * below m=25 nothing was measured, so CSGM (the cheaper point estimate) stays.
     */
    public static final int CROSSOVER_M = 25;

    private SolverCatalog() {
    }

    /**
     * @param method one of {@link #METHODS}; {@code csbgm} uses the scope in {@code options}
     */
    public static Reconstructor create(String method, GenerativePrior prior, SolverOptions options) {
        return switch (method) {
            case "lasso-pixel" -> new LassoReconstructor(LassoReconstructor.defaults(LassoReconstructor.Basis.PIXEL,
                    prior.outputDim()));
            case "lasso-dct" -> new LassoReconstructor(LassoReconstructor.defaults(LassoReconstructor.Basis.DCT,
                    prior.outputDim()));
            case "auto" -> new AutoReconstructor(new CsgmReconstructor(prior, options.latent()),
                    new CsbgmReconstructor(prior, options.latent(), options.theta(options.scope())), CROSSOVER_M);
            case "csgm" -> new CsgmReconstructor(prior, options.latent());
            case "csbgm" -> new CsbgmReconstructor(prior, options.latent(), options.theta(options.scope()));
            case "csbgm-batch" -> new CsbgmReconstructor(prior, options.latent(), options.theta(ThetaScope.BATCH));
            case "csbgm-record" -> new CsbgmReconstructor(prior, options.latent(), options.theta(ThetaScope.RECORD));
            case "csbgm-lowrank" -> new CsbgmReconstructor(prior, options.latent(), options.theta(ThetaScope.LOWRANK));
            // the variational solver adapts full weights only: the LOWRANK scope maps to its per-record form
            case "csbgm-vi" -> new CsbgmViReconstructor(prior, VariationalSettings.of(options.latent()),
                    options.theta(options.scope() == ThetaScope.LOWRANK ? ThetaScope.RECORD : options.scope()));
            default -> throw new IllegalArgumentException("unknown method '" + method + "': expected one of " + METHODS);
        };
    }
}
