package io.csflow.stream;

import io.csflow.avro.Measurement;

/** Either a measurement that is safe to reconstruct, or the rejection that sends it to the dead letters. */
public record ValidationResult(Measurement measurement, Rejection rejection) {

    public ValidationResult {
        if ((measurement == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of measurement and rejection must be set");
        }
    }

    public static ValidationResult valid(Measurement m) {
        return new ValidationResult(m, null);
    }

    public static ValidationResult rejected(Rejection.Cause cause, String reason) {
        return new ValidationResult(null, new Rejection(cause, reason));
    }

    public boolean isValid() {
        return measurement != null;
    }
}
