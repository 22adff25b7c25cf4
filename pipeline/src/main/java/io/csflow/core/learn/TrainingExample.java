package io.csflow.core.learn;

import io.csflow.core.operator.MeasurementOperator;

/**
 * One reconstructed record kept for training the decoder: measurements y = A x + noise, the latent z the
 * reconstruction found (held fixed while theta is trained) and, when known, the true image.
 *
 * @param truth the true image (n values) or null when there is none
 */
public record TrainingExample(MeasurementOperator operator, float[] y, float[] z, float[] truth, String sensorId) {

    public TrainingExample {
        if (operator == null) {
            throw new IllegalArgumentException("training example has no measurement operator");
        }
        if (y == null || y.length != operator.m()) {
            throw new IllegalArgumentException("length of y is " + (y == null ? "null" : String.valueOf(y.length))
                    + " but operator " + operator.spec() + " has m=" + operator.m());
        }
        if (z == null || z.length == 0) {
            throw new IllegalArgumentException("training example has no latent z");
        }
        if (truth != null && truth.length != operator.n()) {
            throw new IllegalArgumentException("truth has " + truth.length + " pixels but operator "
                    + operator.spec() + " has n=" + operator.n());
        }
        if (sensorId == null) {
            throw new IllegalArgumentException("training example has no sensor id");
        }
    }

    public boolean hasTruth() {
        return truth != null;
    }
}
