package io.csflow.core.solver;

/**
 * A solver's answer for one record.
 *
 * @param image            x_hat, n pixels
 * @param uncertainty      per-pixel posterior standard deviation, n values (zeros when the method has none)
 * @param latent           the latent z behind the image (empty for methods without a prior)
 * @param relativeResidual ||y - A x_hat|| / ||y||
 * @param iterations       optimiser iterations spent on this record, all stages and restarts
 * @param loss             the objective value of the kept solution
 */
public record Estimate(float[] image, float[] uncertainty, float[] latent, float relativeResidual,
                       int iterations, float loss) {
}
