package io.csflow.core.solver;

/**
 * Settings of the latent (z) stage, CSGM (Bora et al., 2017): Adam on z of
 * (1/m) ||y - A g(z)||^2 + lz ||z||^2 from R starts, keeping per record the start with the lowest loss.
 *
 * @param iterations     Adam steps per start (the most; early stopping may end a start sooner)
 * @param learningRate   Adam step size
 * @param latentPenalty  lz, the weight of ||z||^2
 * @param restarts       R, starts per record
 * @param seed           seeds the starts, so a run is repeatable
 * @param warmStart      where the starts come from
 * @param earlyStop      when a start stops before {@code iterations}
 */
public record LatentSettings(int iterations, double learningRate, double latentPenalty, int restarts, long seed,
                             WarmStart warmStart, EarlyStop earlyStop) {

    public LatentSettings {
        if (iterations < 0) {
            throw new IllegalArgumentException("latent iterations must be >= 0, got " + iterations);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("latent learning rate must be positive, got " + learningRate);
        }
        if (!(latentPenalty >= 0) || !Double.isFinite(latentPenalty)) {
            throw new IllegalArgumentException("latent penalty lz must be >= 0, got " + latentPenalty);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        }
        if (warmStart == null) {
            warmStart = WarmStart.random();
        }
        if (earlyStop == null) {
            earlyStop = EarlyStop.OFF;
        }
        if (warmStart.kind() == WarmStart.Kind.BANK && restarts > warmStart.candidates()) {
            throw new IllegalArgumentException(restarts + " restarts need at least as many bank candidates, got "
                    + warmStart + "; raise K or lower --restarts");
        }
    }

    /** Random starts, every start runs all its iterations: the papers' algorithm. */
    public LatentSettings(int iterations, double learningRate, double latentPenalty, int restarts, long seed) {
        this(iterations, learningRate, latentPenalty, restarts, seed, WarmStart.random(), EarlyStop.OFF);
    }

    /** The papers' settings: lr 0.1, 1000 iterations, lz 0.1, 10 random restarts. */
    public static LatentSettings papers() {
        return new LatentSettings(1000, 0.1, 0.1, 10, 0);
    }

    public LatentSettings withIterations(int n) {
        return new LatentSettings(n, learningRate, latentPenalty, restarts, seed, warmStart, earlyStop);
    }

    public LatentSettings withRestarts(int r) {
        return new LatentSettings(iterations, learningRate, latentPenalty, r, seed, warmStart, earlyStop);
    }

    public LatentSettings withSeed(long s) {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, s, warmStart, earlyStop);
    }

    public LatentSettings withWarmStart(WarmStart w) {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed, w, earlyStop);
    }

    public LatentSettings withEarlyStop(EarlyStop e) {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, seed, warmStart, e);
    }
}
