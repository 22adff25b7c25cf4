package io.csflow.stream;

/** Why an input record was sent to the dead-letter topic: a coarse cause (for metrics) and a readable reason. */
public record Rejection(Cause cause, String reason) {

    /** Coarse causes; each gets its own dead-letter counter so dashboards show what kind of input is bad. */
    public enum Cause {
        NOT_SINGLE_OBJECT,
        UNKNOWN_FINGERPRINT,
        CORRUPT_BODY,
        MISSING_SENSOR_ID,
        UNKNOWN_OPERATOR_KIND,
        INVALID_OPERATOR,
        OVER_LIMIT,
        WRONG_N,
        WRONG_Y_LENGTH,
        NON_FINITE_Y,
        BAD_TRUTH,
        BAD_NOISE_STD,
        /** Passed validation, but the reconstruct operator's solver throws on it (see {@link PoisonIsolation}). */
        RECONSTRUCTION_FAILED
    }

    public Rejection {
        if (cause == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a rejection needs a cause and a reason");
        }
    }

    @Override
    public String toString() {
        return cause + ": " + reason;
    }
}
