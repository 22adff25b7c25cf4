package io.csflow.core.learn;

import io.csflow.core.prior.GenerativePrior;

import java.util.Arrays;
import java.util.List;

/**
 * Decides whether a candidate decoder may replace the current one: every weight finite, and on each task's
 * held-out examples (latents fixed) the candidate's loss at most (1 + margin) times the current one's.
 */
public final class Guard {

    /** The decision; reason is null when accepted. Losses are per task, NaN where not evaluated. */
    public record Verdict(boolean accepted, String reason, double[] candidateLosses, double[] currentLosses) {
    }

    private final List<TaskBuffer> buffers;
    private final TaskLoss loss;
    private final double margin;

    /**
     * @param buffers the tasks whose held-out examples are checked (read at each check)
     * @param loss    evaluates the task losses
     * @param margin  the relative loss increase tolerated, >= 0
     */
    public Guard(List<TaskBuffer> buffers, TaskLoss loss, double margin) {
        if (!(margin >= 0) || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("guard margin must be finite and >= 0, got " + margin);
        }
        this.buffers = buffers;
        this.loss = loss;
        this.margin = margin;
    }

    public double margin() {
        return margin;
    }

    public Verdict check(GenerativePrior candidate, GenerativePrior current) {
        int k = buffers.size();
        double[] cand = new double[k];
        double[] cur = new double[k];
        Arrays.fill(cand, Double.NaN);
        Arrays.fill(cur, Double.NaN);
        float[] flat = loss.layout().flatten(candidate.decoder());
        int bad = 0;
        int first = -1;
        for (int p = 0; p < flat.length; p++) {
            if (!Float.isFinite(flat[p])) {
                bad++;
                if (first < 0) {
                    first = p;
                }
            }
        }
        if (bad > 0) {
            return new Verdict(false, "candidate v" + candidate.version() + " has " + bad
                    + " non-finite weights (first: decoder " + loss.layout().describe(first) + " = " + flat[first] + ")",
                    cand, cur);
        }
        for (int i = 0; i < k; i++) {
            TaskBuffer b = buffers.get(i);
            List<TrainingExample> held = b.heldOut();
            if (held.isEmpty()) {
                return new Verdict(false, "task " + b.spec().name() + " has no held-out examples yet", cand, cur);
            }
            cand[i] = loss.loss(candidate.decoder(), held);
            cur[i] = loss.loss(current.decoder(), held);
            if (!Double.isFinite(cand[i])) {
                return new Verdict(false, "task " + b.spec().name() + ": candidate held-out loss is " + cand[i],
                        cand, cur);
            }
            if (cand[i] > cur[i] * (1 + margin)) {
                return new Verdict(false, String.format("task %s: candidate held-out loss %.6g exceeds current %.6g"
                        + " by more than the margin %.3g", b.spec().name(), cand[i], cur[i], margin), cand, cur);
            }
        }
        return new Verdict(true, null, cand, cur);
    }
}
