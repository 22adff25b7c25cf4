package io.csflow.core.solver;

/**
 * When an optimiser row stops: every {@code window} iterations its loss is compared with its best loss at
 * the previous check, and the row leaves the batch when the relative improvement is below
 * {@code tolerance}. Tolerance 0 never stops (every row runs all its iterations).
 *
 * <p>Checks are sparse on purpose: the batch is rebuilt (smaller) only at a check, never inside an
 * iteration, and a check costs one extra measurement product per active row.
 */
public record EarlyStop(double tolerance, int window) {

    public static final EarlyStop OFF = new EarlyStop(0, 25);

    public EarlyStop {
        if (!(tolerance >= 0) || tolerance >= 1) {
            throw new IllegalArgumentException("early-stop tolerance must be in [0, 1) (0 turns stopping off), got "
                    + tolerance);
        }
        if (window < 1) {
            throw new IllegalArgumentException("early-stop window must be >= 1 iteration, got " + window);
        }
    }

    public boolean enabled() {
        return tolerance > 0;
    }

    /** True when a row whose best loss was {@code before} at the last check and is {@code now} has stalled. */
    public boolean stalled(double before, double now) {
        return !(before - now > tolerance * Math.abs(before));
    }
}
