package io.csflow.core.solver;

/**
 * Every knob of the solver family in one immutable, checked value: what the CLI and the streaming
 * job expose. {@link SolverCatalog} turns it into a {@link Reconstructor}.
 */
public record SolverOptions(int restarts, int iterations, double learningRate, double latentPenalty,
                            int thetaIterations, double thetaLearningRate, double weightPenalty,
                            ThetaScope scope, int uncertaintySamples, long seed, double factorLearningRate,
                            WarmStart warmStart, EarlyStop earlyStop) {

    public SolverOptions {
        // the component settings check their own values; build them once here to fail early
        LatentSettings latent = new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed,
                warmStart, earlyStop);
        warmStart = latent.warmStart();
        earlyStop = latent.earlyStop();
        new ThetaSettings(thetaIterations, thetaLearningRate, 0.5, weightPenalty, scope, uncertaintySamples,
                factorLearningRate);
    }

    /**
     * As the canonical constructor with {@link ThetaSettings#DEFAULT_FACTOR_LEARNING_RATE}, random starts and no
     * early stopping: the papers' z stage with these counts.
     */
    public SolverOptions(int restarts, int iterations, double learningRate, double latentPenalty,
                         int thetaIterations, double thetaLearningRate, double weightPenalty,
                         ThetaScope scope, int uncertaintySamples, long seed) {
        this(restarts, iterations, learningRate, latentPenalty, thetaIterations, thetaLearningRate, weightPenalty,
                scope, uncertaintySamples, seed, ThetaSettings.DEFAULT_FACTOR_LEARNING_RATE,
                WarmStart.random(), EarlyStop.OFF);
    }

    /**
     * The fast defaults (README, "Fewer iterations per image"): a z stage of one start from the best of 4096
     * bank candidates, at most 200 iterations, stopping when the loss improves by less than 0.1% over 25; then
     * the theta stage in the LOWRANK scope (RECORD's error at about a z iteration's cost) for
     * {@link #DEFAULT_THETA_ITERATIONS} iterations. Together they match or beat the papers' 10 random restarts
     * x 1000 iterations at a small fraction of their FLOPs.
     */
    public static SolverOptions defaults() {
        return new SolverOptions(1, 200, 0.1, 0.1, DEFAULT_THETA_ITERATIONS, 2e-4, DEFAULT_WEIGHT_PENALTY,
                ThetaScope.LOWRANK, 16, 0, ThetaSettings.DEFAULT_FACTOR_LEARNING_RATE,
                WarmStart.bank(WarmStart.DEFAULT_CANDIDATES), DEFAULT_EARLY_STOP);
    }

    /** Stop a start when its loss improved by less than 0.1% over the last 25 iterations. */
    public static final EarlyStop DEFAULT_EARLY_STOP = new EarlyStop(1e-3, 25);

    /** Theta-stage iterations: chosen by the tuning runs recorded in the README (fits the FLOP budget). */
    public static final int DEFAULT_THETA_ITERATIONS = 200;

    /** The papers' z stage: 10 random restarts x 1000 iterations, no early stopping (theta settings as defaults). */
    public static SolverOptions papers() {
        return defaults().withLatent(10, 1000, WarmStart.random(), EarlyStop.OFF);
    }

    /** lt: chosen by the evaluate runs recorded in the README. */
    public static final double DEFAULT_WEIGHT_PENALTY = 1e4;

    public LatentSettings latent() {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed, warmStart, earlyStop);
    }

    public ThetaSettings theta(ThetaScope s) {
        return new ThetaSettings(thetaIterations, thetaLearningRate, 0.5, weightPenalty, s, uncertaintySamples,
                factorLearningRate);
    }

    public SolverOptions withLatent(int newRestarts, int newIterations, WarmStart newWarmStart, EarlyStop newEarlyStop) {
        return new SolverOptions(newRestarts, newIterations, learningRate, latentPenalty, thetaIterations,
                thetaLearningRate, weightPenalty, scope, uncertaintySamples, seed, factorLearningRate,
                newWarmStart, newEarlyStop);
    }

    public SolverOptions withThetaIterations(int newThetaIterations) {
        return new SolverOptions(restarts, iterations, learningRate, latentPenalty, newThetaIterations,
                thetaLearningRate, weightPenalty, scope, uncertaintySamples, seed, factorLearningRate,
                warmStart, earlyStop);
    }
}
