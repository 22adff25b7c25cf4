package io.csflow.core.solver;

import io.csflow.core.nn.Elementwise;
import io.csflow.core.nn.FloatView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The data term (1/m_i) ||y_i - A_i x_r||^2 over a batch laid out record-major with {@code copies}
 * rows per record (row = record * copies + copy), so each operator group is one contiguous block of
 * rows and costs one forward and one adjoint product however many restarts it carries.
 */
final class MeasurementTerm {

    private final OperatorGroups groups;
    private final int copies;
    private final List<INDArray> targets = new ArrayList<>();
    private final List<INDArray> residuals = new ArrayList<>();
    // Java views of targets and residuals: the residual step is one pass without an ND4J op
    private final List<FloatView> targetViews = new ArrayList<>();
    private final List<FloatView> residualViews = new ArrayList<>();
    private final double[] yNorms;

    MeasurementTerm(OperatorGroups groups, int copies) {
        this.groups = groups;
        this.copies = copies;
        this.yNorms = new double[groups.size()];
        for (OperatorGroups.Group g : groups.groups()) {
            int m = g.operator().m();
            float[] y = new float[g.size() * copies * m];
            for (int i = g.from(); i < g.to(); i++) {
                float[] yi = groups.sorted().get(i).y();
                double norm = 0;
                for (float v : yi) {
                    norm += (double) v * v;
                }
                yNorms[i] = Math.sqrt(norm);
                for (int c = 0; c < copies; c++) {
                    System.arraycopy(yi, 0, y, ((i - g.from()) * copies + c) * m, m);
                }
            }
            targets.add(Nd4j.create(y, new long[]{(long) g.size() * copies, m}, 'c'));
            residuals.add(Nd4j.create(DataType.FLOAT, (long) g.size() * copies, m));
            targetViews.add(FloatView.of(targets.get(targets.size() - 1)));
            residualViews.add(FloatView.of(residuals.get(residuals.size() - 1)));
        }
    }

    int rows() {
        return groups.size() * copies;
    }

    /** dX := scale * (2/m) A^T (A x - y), row by row. */
    void gradient(INDArray x, INDArray dX, double scale) {
        List<OperatorGroups.Group> gs = groups.groups();
        for (int k = 0; k < gs.size(); k++) {
            OperatorGroups.Group g = gs.get(k);
            g.operator().forward(block(x, g), residuals.get(k));
            Elementwise.scaledDifference(residualViews.get(k), targetViews.get(k), scale * 2.0 / g.operator().m());
            g.operator().adjoint(residuals.get(k), block(dX, g));
        }
    }

    /** Per row: (1/m) ||A x - y||^2. */
    double[] dataLoss(INDArray x) {
        double[] loss = new double[rows()];
        List<OperatorGroups.Group> gs = groups.groups();
        for (int k = 0; k < gs.size(); k++) {
            OperatorGroups.Group g = gs.get(k);
            residual(k, x);
            double[] sq = rowSquaredNorms(k);
            for (int j = 0; j < sq.length; j++) {
                loss[g.from() * copies + j] = sq[j] / g.operator().m();
            }
        }
        return loss;
    }

    /** Per row: (2/m) ||A v||^2, the data term's curvature along v (Gauss-Newton). */
    double[] curvature(INDArray v) {
        double[] out = new double[rows()];
        List<OperatorGroups.Group> gs = groups.groups();
        for (int k = 0; k < gs.size(); k++) {
            OperatorGroups.Group g = gs.get(k);
            g.operator().forward(block(v, g), residuals.get(k));
            double[] sq = rowSquaredNorms(k);
            for (int j = 0; j < sq.length; j++) {
                out[g.from() * copies + j] = 2.0 * sq[j] / g.operator().m();
            }
        }
        return out;
    }

    /** Per row: ||y - A x|| / ||y|| (0 when y is 0 and so is the residual). */
    double[] relativeResidual(INDArray x) {
        return relativeResidual(dataLoss(x));
    }

    /** As {@link #relativeResidual(INDArray)}, from the {@link #dataLoss} already computed for x. */
    double[] relativeResidual(double[] dataLoss) {
        double[] rel = dataLoss.clone();
        for (int row = 0; row < rel.length; row++) {
            int record = row / copies;
            int m = groups.sorted().get(record).operator().m();
            double norm = Math.sqrt(rel[row] * m);
            rel[row] = yNorms[record] > 0 ? norm / yNorms[record] : norm;
        }
        return rel;
    }

    private INDArray residual(int k, INDArray x) {
        OperatorGroups.Group g = groups.groups().get(k);
        g.operator().forward(block(x, g), residuals.get(k));
        Elementwise.scaledDifference(residualViews.get(k), targetViews.get(k), 1.0);
        return residuals.get(k);
    }

    /** Per row of group k's residual buffer, its squared norm (one Java pass, or ND4J off host memory). */
    private double[] rowSquaredNorms(int k) {
        INDArray r = residuals.get(k);
        int rows = (int) r.rows();
        int cols = (int) r.columns();
        double[] out = new double[rows];
        FloatBuffer f = residualViews.get(k).floats();
        if (f == null) {
            INDArray sq = r.mul(r).sum(1);
            for (int j = 0; j < rows; j++) {
                out[j] = sq.getDouble(j);
            }
            return out;
        }
        for (int j = 0; j < rows; j++) {
            double s = 0;
            for (int i = j * cols, end = i + cols; i < end; i++) {
                double v = f.get(i);
                s += v * v;
            }
            out[j] = s;
        }
        return out;
    }

    private INDArray block(INDArray rowsMatrix, OperatorGroups.Group g) {
        if (groups.groups().size() == 1) {
            return rowsMatrix;
        }
        return rowsMatrix.get(NDArrayIndex.interval((long) g.from() * copies, (long) g.to() * copies), NDArrayIndex.all());
    }
}
