package io.csflow.core.solver;

import io.csflow.core.prior.GenerativePrior;

import java.util.List;

/** Builds a reconstructor from its method name, the one place that knows every method. */
public final class SolverCatalog {

    public static final List<String> METHODS = List.of("auto",
            "lasso-pixel", "lasso-dct", "csgm", "csbgm", "csbgm-batch", "csbgm-record", "csbgm-lowrank", "csbgm-vi");

    /**
     * The smallest m at which CS-BGM beat CSGM in the README's evaluation (64 test images, Gaussian
     * operator, noise 0.1): {@code auto} uses CSGM below it and CS-BGM from it on.
     */
    public static final int CROSSOVER_M = 100;

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
