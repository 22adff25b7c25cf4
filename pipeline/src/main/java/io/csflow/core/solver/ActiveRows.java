package io.csflow.core.solver;

import java.util.Arrays;

/**
 * Early-stop bookkeeping for a batch of independent optimiser rows (the z stage's starts; a theta stage's
 * per-record weights could use it the same way): which rows are still active, each row's best loss at the
 * last check and the steps each ran. The optimiser measures the active rows' losses at iteration 0 and at
 * every {@link #isCheck} iteration, calls {@link #start} and {@link #check} with them, and when a check
 * drops rows rebuilds its arrays from {@link #kept} (positions among the rows active before the check).
 */
public final class ActiveRows {

    private final EarlyStop stop;
    private final double[] best;
    private final int[] spent;
    private int[] active;
    private int[] kept;

    public ActiveRows(EarlyStop stop, int rows) {
        this.stop = stop;
        this.best = new double[rows];
        this.spent = new int[rows];
        this.active = new int[rows];
        for (int r = 0; r < rows; r++) {
            active[r] = r;
        }
        this.kept = active.clone();
    }

    /** Whether iteration {@code it} is a check (never iteration 0, never when stopping is off). */
    public boolean isCheck(int it) {
        return stop.enabled() && it > 0 && it % stop.window() == 0;
    }

    /** The losses of all rows before the first step. */
    public void start(double[] loss) {
        System.arraycopy(loss, 0, best, 0, best.length);
    }

    /**
     * Rows whose best loss improved by less than the tolerance since the last check leave; they are
     * charged {@code stepsTaken} steps.
     *
     * @param loss per active row (in {@link #active()} order), its loss now
     * @return positions among the rows active before this check of those that left (empty when none did)
     */
    public int[] check(double[] loss, int stepsTaken) {
        int[] left = new int[active.length];
        int[] keep = new int[active.length];
        int nLeft = 0;
        int nKeep = 0;
        for (int a = 0; a < active.length; a++) {
            int row = active[a];
            double before = best[row];
            best[row] = Math.min(before, loss[a]);
            if (stop.stalled(before, best[row])) {
                spent[row] = stepsTaken;
                left[nLeft++] = a;
            } else {
                keep[nKeep++] = a;
            }
        }
        kept = Arrays.copyOf(keep, nKeep);
        if (nLeft > 0) {
            int[] next = new int[nKeep];
            for (int i = 0; i < nKeep; i++) {
                next[i] = active[kept[i]];
            }
            active = next;
        }
        return Arrays.copyOf(left, nLeft);
    }

    /** Indices of the rows still active, increasing. */
    public int[] active() {
        return active.clone();
    }

    /** Positions, among the rows active before the last check, of those it kept. */
    public int[] kept() {
        return kept.clone();
    }

    public boolean isEmpty() {
        return active.length == 0;
    }

    /** Steps per row once the loop is over: rows still active ran all {@code total}. */
    public int[] spent(int total) {
        int[] out = spent.clone();
        for (int row : active) {
            out[row] = total;
        }
        return out;
    }
}
