package io.csflow.core.solver;

/**
 * Settings of the latent (z) stage, CSGM (Bora et al., 2017): Adam on z of
 * (1/m) ||y - A g(z)||^2 + lz ||z||^2 from R random starts z0 ~ N(0, I), keeping per record the
 * start with the lowest loss.
 *
 * @param iterations     Adam steps per start
 * @param learningRate   Adam step size
 * @param latentPenalty  lz, the weight of ||z||^2
 * @param restarts       R, random starts per record
 * @param seed           seeds the starts, so a run is repeatable
 */
public record LatentSettings(int iterations, double learningRate, double latentPenalty, int restarts, long seed) {

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
    }

    /** The papers' settings: lr 0.1, 1000 iterations, lz 0.1, 10 restarts. */
    public static LatentSettings papers() {
        return new LatentSettings(1000, 0.1, 0.1, 10, 0);
    }

    public LatentSettings withIterations(int n) {
        return new LatentSettings(n, learningRate, latentPenalty, restarts, seed);
    }

    public LatentSettings withRestarts(int r) {
        return new LatentSettings(iterations, learningRate, latentPenalty, r, seed);
    }

    public LatentSettings withSeed(long s) {
        return new LatentSettings(iterations, learningRate, latentPenalty, restarts, s);
    }
}
