package io.csflow.core.solver;

/**
 * Every knob of the solver family in one immutable, checked value: what the CLI and the streaming
 * job expose. {@link SolverCatalog} turns it into a {@link Reconstructor}.
 */
public record SolverOptions(int restarts, int iterations, double learningRate, double latentPenalty,
                            int thetaIterations, double thetaLearningRate, double weightPenalty,
                            ThetaScope scope, int uncertaintySamples, long seed, double factorLearningRate) {

    public SolverOptions {
        // the component settings check their own values; build them once here to fail early
        new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed);
        new ThetaSettings(thetaIterations, thetaLearningRate, 0.5, weightPenalty, scope, uncertaintySamples,
                factorLearningRate);
    }

    /** As the canonical constructor, with {@link ThetaSettings#DEFAULT_FACTOR_LEARNING_RATE}. */
    public SolverOptions(int restarts, int iterations, double learningRate, double latentPenalty,
                         int thetaIterations, double thetaLearningRate, double weightPenalty,
                         ThetaScope scope, int uncertaintySamples, long seed) {
        this(restarts, iterations, learningRate, latentPenalty, thetaIterations, thetaLearningRate, weightPenalty,
                scope, uncertaintySamples, seed, ThetaSettings.DEFAULT_FACTOR_LEARNING_RATE);
    }

    /**
     * The papers' settings, with the measured best theta scope (LOWRANK: RECORD's error at about csgm's cost
     * per iteration) and penalty of this project.
     */
    public static SolverOptions defaults() {
        return new SolverOptions(2, 1000, 0.1, 0.1, 400, 2e-4, DEFAULT_WEIGHT_PENALTY, ThetaScope.LOWRANK, 16, 0,
                ThetaSettings.DEFAULT_FACTOR_LEARNING_RATE);
    }

    /** lt: chosen by the evaluate runs recorded in the README. */
    public static final double DEFAULT_WEIGHT_PENALTY = 1e4;

    public LatentSettings latent() {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed);
    }

    public ThetaSettings theta(ThetaScope s) {
        return new ThetaSettings(thetaIterations, thetaLearningRate, 0.5, weightPenalty, s, uncertaintySamples,
                factorLearningRate);
    }
}
