package io.csflow.core.solver;

import io.csflow.core.operator.MeasurementOperator;

/**
 * One record to reconstruct: measurements y = A x + noise of an unknown image x.
 *
 * @param noiseStd the sensor's stated noise level (0 when unknown); solvers may use it for uncertainty
 */
public record Observation(MeasurementOperator operator, float[] y, float noiseStd) {

    public Observation {
        if (operator == null) {
            throw new IllegalArgumentException("observation has no measurement operator");
        }
        if (y == null) {
            throw new IllegalArgumentException("observation has no measurements y");
        }
        if (y.length != operator.m()) {
            throw new IllegalArgumentException("length of y is " + y.length + " but operator "
                    + operator.spec() + " has m=" + operator.m());
        }
        for (int i = 0; i < y.length; i++) {
            if (!Float.isFinite(y[i])) {
                throw new IllegalArgumentException("y[" + i + "] is " + y[i] + ": measurements must be finite");
            }
        }
        if (!Float.isFinite(noiseStd) || noiseStd < 0) {
            throw new IllegalArgumentException("noise std must be finite and >= 0, got " + noiseStd);
        }
    }
}
