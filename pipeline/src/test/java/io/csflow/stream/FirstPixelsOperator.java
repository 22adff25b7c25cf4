package io.csflow.stream;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test stand-in for the real operators (swapped for MeasurementOperators.create later): an INPAINT-like A that
 * keeps the first m pixels with unit weight, whatever the spec's kind and seed. Forward copies the first m
 * columns; adjoint scatters them back and zeroes the rest.
 */
public final class FirstPixelsOperator implements MeasurementOperator {

    private final OperatorSpec spec;

    public FirstPixelsOperator(OperatorSpec spec) {
        this.spec = spec;
    }

    @Override
    public OperatorSpec spec() {
        return spec;
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        out.assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, m())));
    }

    @Override
    public void adjoint(INDArray r, INDArray out) {
        out.assign(0);
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, m())).assign(r);
    }
}
