package io.csflow.core.solver;

/**
 * Settings of the CS-BGM theta stage: with z fixed, Adam on the generator weights of
 * (1/m) ||y - A g(z; theta)||^2 + lt * sum_l mean((theta_l - theta0_l)^2), theta starting at theta0.
 *
 * @param iterations         Adam steps
 * @param learningRate       Adam step size on the weights themselves, scopes BATCH and RECORD (the papers: 2e-4)
 * @param beta1              Adam's first-moment decay (the papers: 0.5)
 * @param weightPenalty      lt, pulls theta back to the trained theta0
 * @param scope              which records share a theta
 * @param uncertaintySamples S, posterior samples behind the per-pixel uncertainty (0: no uncertainty)
 * @param factorLearningRate Adam step size on the low-rank factors and bias changes, scope LOWRANK
 */
public record ThetaSettings(int iterations, double learningRate, double beta1, double weightPenalty,
                            ThetaScope scope, int uncertaintySamples, double factorLearningRate) {

    /** Step size of the LOWRANK factors, tuned with {@code csflow evaluate} (README, "Evaluation"). */
    public static final double DEFAULT_FACTOR_LEARNING_RATE = 3e-3;

    public ThetaSettings {
        if (iterations < 0) {
            throw new IllegalArgumentException("theta iterations must be >= 0, got " + iterations);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("theta learning rate must be positive, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("theta beta1 must be in [0, 1), got " + beta1);
        }
        if (!(weightPenalty > 0) || !Double.isFinite(weightPenalty)) {
            throw new IllegalArgumentException("weight penalty lt must be positive (it sets the prior's variance), got "
                    + weightPenalty);
        }
        if (scope == null) {
            throw new IllegalArgumentException("theta scope is missing: use BATCH, RECORD or LOWRANK");
        }
        if (uncertaintySamples < 0 || uncertaintySamples == 1) {
            throw new IllegalArgumentException("uncertainty samples must be 0 or >= 2, got " + uncertaintySamples);
        }
        if (!(factorLearningRate > 0) || !Double.isFinite(factorLearningRate)) {
            throw new IllegalArgumentException("low-rank factor learning rate must be positive, got " + factorLearningRate);
        }
    }

    /** As the canonical constructor, with the default factor learning rate. */
    public ThetaSettings(int iterations, double learningRate, double beta1, double weightPenalty,
                         ThetaScope scope, int uncertaintySamples) {
        this(iterations, learningRate, beta1, weightPenalty, scope, uncertaintySamples, DEFAULT_FACTOR_LEARNING_RATE);
    }

    /** The papers' settings with the given penalty and scope. */
    public static ThetaSettings papers(double weightPenalty, ThetaScope scope) {
        return new ThetaSettings(400, 2e-4, 0.5, weightPenalty, scope, 16);
    }

    public ThetaSettings withScope(ThetaScope s) {
        return new ThetaSettings(iterations, learningRate, beta1, weightPenalty, s, uncertaintySamples, factorLearningRate);
    }

    public ThetaSettings withIterations(int n) {
        return new ThetaSettings(n, learningRate, beta1, weightPenalty, scope, uncertaintySamples, factorLearningRate);
    }

    public ThetaSettings withWeightPenalty(double lt) {
        return new ThetaSettings(iterations, learningRate, beta1, lt, scope, uncertaintySamples, factorLearningRate);
    }

    public ThetaSettings withFactorLearningRate(double lr) {
        return new ThetaSettings(iterations, learningRate, beta1, weightPenalty, scope, uncertaintySamples, lr);
    }
}
