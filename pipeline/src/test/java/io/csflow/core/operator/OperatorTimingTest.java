package io.csflow.core.operator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Build and apply times per kind (B=64, m=200, n=784); opt-in with -Dcsflow.timing=true. */
class OperatorTimingTest {

    @Test
    void timings() {
        assumeTrue(Boolean.getBoolean("csflow.timing"), "set -Dcsflow.timing=true to time the operators");
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 784);
        INDArray r = Nd4j.rand(DataType.FLOAT, 64, 200);
        INDArray y = Nd4j.create(DataType.FLOAT, 64, 200);
        INDArray g = Nd4j.create(DataType.FLOAT, 64, 784);
        for (OperatorKind kind : OperatorKind.values()) {
            long t0 = System.nanoTime();
            MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(kind, 1, 200, 784));
            double build = (System.nanoTime() - t0) / 1e6;
            int reps = 200;
            for (int i = 0; i < 20; i++) {
                op.forward(x, y);
                op.adjoint(r, g);
            }
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                op.forward(x, y);
            }
            double fwd = (System.nanoTime() - t0) / 1e3 / reps;
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                op.adjoint(r, g);
            }
            double adj = (System.nanoTime() - t0) / 1e3 / reps;
            System.out.printf(Locale.ROOT, "%-15s build %7.1f ms  forward %7.1f us  adjoint %7.1f us%n",
                    kind, build, fwd, adj);
        }
    }
}
