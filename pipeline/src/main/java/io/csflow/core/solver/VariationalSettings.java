package io.csflow.core.solver;

/**
 * Settings of the variational z stage of CS-BGM: q(z) = N(mu, diag(d^2)) fitted by reparameterised
 * samples to E_q[(1/m) ||y - A g(z)||^2] + beta KL(q || N(0, I)).
 *
 * <p>beta = klWeight * 2 sigma^2 / m makes the objective the negative ELBO of the Gaussian noise
 * model (scaled by 2 sigma^2 / m); sigma is the record's stated noise, at least {@code minNoiseStd}.
 *
 * @param latent       iterations, learning rate, restarts and seed (its lz is unused: the KL replaces it)
 * @param klWeight     1 for the exact ELBO; larger values widen nothing but trust the prior more
 * @param initialStd   d at the start
 * @param minNoiseStd  noise floor for records that state none
 * @param samples      S, latent samples behind the per-pixel uncertainty
 */
public record VariationalSettings(LatentSettings latent, double klWeight, double initialStd, double minNoiseStd,
                                  int samples) {

    public VariationalSettings {
        if (latent == null) {
            throw new IllegalArgumentException("latent settings are missing");
        }
        if (!(klWeight >= 0) || !Double.isFinite(klWeight)) {
            throw new IllegalArgumentException("KL weight must be >= 0, got " + klWeight);
        }
        if (!(initialStd > 0)) {
            throw new IllegalArgumentException("initial std must be positive, got " + initialStd);
        }
        if (!(minNoiseStd > 0)) {
            throw new IllegalArgumentException("minimum noise std must be positive, got " + minNoiseStd);
        }
        if (samples < 2) {
            throw new IllegalArgumentException("uncertainty needs at least 2 samples, got " + samples);
        }
    }

    public static VariationalSettings of(LatentSettings latent) {
        return new VariationalSettings(latent, 1.0, 0.1, 0.01, 16);
    }
}
