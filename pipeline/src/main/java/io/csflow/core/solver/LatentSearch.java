package io.csflow.core.solver;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.Elementwise;
import io.csflow.core.nn.FloatView;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The z stage: Adam on every row of Z at once. Rows are independent problems (each row's loss
 * depends on its own z only), so one batched pass serves all records and restarts.
 *
 * <p>With {@link EarlyStop} on, every {@code window} iterations each row's loss is checked and rows that
 * stalled leave: the active rows' latents, Adam moments, data term and pass are rebuilt smaller at that
 * check (never inside an iteration), so later iterations cost only what is still moving. Adam keeps its
 * moments per row, so a row's trajectory does not depend on which other rows are still in the batch.
 */
final class LatentSearch {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    /**
     * @param loss       per row, the final loss (1/m) ||y - A g(z)||^2 + lz ||z||^2
     * @param iterations per row, the Adam steps it ran
     */
    record Outcome(double[] loss, int[] iterations) {
    }

    private LatentSearch() {
    }

    /**
     * Optimises {@code z} (rows x k, row = record * copies + copy in {@code groups}' sorted order) in place.
     */
    static Outcome run(DenseStack decoder, OperatorGroups groups, int copies, INDArray z, LatentSettings settings) {
        int rows = groups.size() * copies;
        EarlyStop stop = settings.earlyStop();
        int total = settings.iterations();
        if (!stop.enabled()) {
            MeasurementTerm term = new MeasurementTerm(groups, copies);
            StackPass pass = new StackPass(decoder, rows);
            Moments moments = new Moments(z);
            for (int it = 0; it < total; it++) {
                step(decoder, pass, term, z, moments, settings, it, false);
            }
            int[] spent = new int[rows];
            Arrays.fill(spent, total);
            return new Outcome(finalLoss(decoder, pass, term, z, settings.latentPenalty()), spent);
        }
        ActiveRows tracker = new ActiveRows(stop, rows);
        INDArray za = z.dup();
        Moments moments = new Moments(za);
        MeasurementTerm term = new MeasurementTerm(groups, copies);
        StackPass pass = new StackPass(decoder, rows);
        for (int it = 0; it < total && !tracker.isEmpty(); it++) {
            boolean check = tracker.isCheck(it);
            double[] now = step(decoder, pass, term, za, moments, settings, it, check || it == 0);
            if (it == 0) {
                tracker.start(now);
            } else if (check) {
                // now[a] is the loss before this step; a row that stalled keeps the step just taken
                int[] before = tracker.active();
                int[] left = tracker.check(now, it + 1);
                for (int a : left) {
                    z.getRow(before[a]).assign(za.getRow(a));
                }
                if (left.length > 0 && !tracker.isEmpty()) {
                    int[] kept = tracker.kept();
                    za = Nd4j.pullRows(za, 1, kept);
                    moments = moments.subset(za, kept);
                    term = new MeasurementTerm(subset(groups, copies, tracker.active()), 1);
                    pass = new StackPass(decoder, kept.length);
                }
            }
        }
        int[] active = tracker.active();
        for (int a = 0; a < active.length; a++) {
            z.getRow(active[a]).assign(za.getRow(a));
        }
        MeasurementTerm full = new MeasurementTerm(groups, copies);
        return new Outcome(finalLoss(decoder, new StackPass(decoder, rows), full, z, settings.latentPenalty()),
                tracker.spent(total));
    }

    /** One Adam step on every row of z; with {@code measure}, returns each row's loss before the step (else null). */
    private static double[] step(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray z, Moments moments,
                                 LatentSettings settings, int it, boolean measure) {
        INDArray x = pass.forward(decoder, z);
        double[] loss = null;
        if (measure) {
            double lz = settings.latentPenalty();
            loss = term.dataLoss(x);
            INDArray zsq = z.mul(z).sum(1);
            for (int row = 0; row < loss.length; row++) {
                loss[row] += lz * zsq.getDouble(row);
            }
        }
        term.gradient(x, pass.outputGradient(), 1.0);
        pass.backward(decoder, z, null);
        // one Java pass each for the gradient 2 lz z + dz and Adam (ND4J ops cost a JNI call and tens of us each)
        FloatView zView = moments.view(z);
        Elementwise.scaledSum(zView, 2 * settings.latentPenalty(), pass.inputGradientView(), moments.gradView);
        Adam.step(zView, moments.gradView, moments.firstView, moments.secondView, settings.learningRate(),
                BETA1, BETA2, EPSILON, it);
        return loss;
    }

    /** The rows {@code active} (indices into the record-major layout) as a batch of their own, one row each. */
    private static OperatorGroups subset(OperatorGroups groups, int copies, int[] active) {
        List<Observation> rows = new ArrayList<>(active.length);
        for (int row : active) {
            rows.add(groups.sorted().get(row / copies));
        }
        // active is increasing and groups are contiguous, so the sub-batch keeps this order
        return OperatorGroups.of(rows);
    }

    static double[] finalLoss(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray z, double lz) {
        return loss(decoder, pass, term, z, lz);
    }

    private static double[] loss(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray z, double lz) {
        INDArray x = pass.forward(decoder, z);
        double[] loss = term.dataLoss(x);
        INDArray zsq = z.mul(z).sum(1);
        for (int row = 0; row < loss.length; row++) {
            loss[row] += lz * zsq.getDouble(row);
        }
        return loss;
    }

    /** Adam's per-row state: first and second moments and the gradient buffer, shaped like z. */
    private static final class Moments {
        final INDArray first;
        final INDArray second;
        final INDArray grad;
        final FloatView firstView;
        final FloatView secondView;
        final FloatView gradView;
        private FloatView zView;

        Moments(INDArray z) {
            this(z.ulike().assign(0), z.ulike().assign(0), z.ulike());
        }

        private Moments(INDArray first, INDArray second, INDArray grad) {
            this.first = first;
            this.second = second;
            this.grad = grad;
            firstView = FloatView.of(first);
            secondView = FloatView.of(second);
            gradView = FloatView.of(grad);
        }

        /** The view of z, made once per z array (the batch's z changes only when rows leave). */
        FloatView view(INDArray z) {
            if (zView == null || zView.array() != z) {
                zView = FloatView.of(z);
            }
            return zView;
        }

        Moments subset(INDArray z, int[] rows) {
            return new Moments(Nd4j.pullRows(first, 1, rows), Nd4j.pullRows(second, 1, rows), z.ulike());
        }
    }
}
