package io.csflow.core.learn;

import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded example buffer of one task. Every {@code holdoutEvery}-th example offered goes to a small
 * held-out window (latest {@code max(1, capacity / holdoutEvery)}) that the guard evaluates candidates on;
 * the others go to the training buffer: a uniform reservoir sample of everything seen (RESERVOIR) or the
 * latest {@code capacity} (WINDOW).
 *
 * <p>Examples are stored as plain arrays with their operator's spec, never the operator, so the whole
 * buffer is {@link State}, a serializable value that a checkpoint can hold; operators are rebuilt from
 * their specs through an {@link OperatorCache} when examples are read. Randomness (reservoir replacement,
 * mini-batch draws) is a pure function of (seed, draw counter), so a restored buffer draws the same.
 * Not thread-safe.
 */
public final class TaskBuffer {

    public static final int DEFAULT_HOLDOUT_EVERY = 5;

    /** One stored example: the operator by its spec (kind, seed, m, n), the arrays as given. */
    public record Stored(String kind, long operatorSeed, int m, int n, float[] y, float[] z, float[] truth,
                         String sensorId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        static Stored of(TrainingExample e) {
            OperatorSpec s = e.operator().spec();
            return new Stored(s.kind().name(), s.seed(), s.m(), s.n(), e.y().clone(), e.z().clone(),
                    e.truth() == null ? null : e.truth().clone(), e.sensorId());
        }

        OperatorSpec spec() {
            return new OperatorSpec(OperatorKind.valueOf(kind), operatorSeed, m, n);
        }

        TrainingExample toExample(OperatorCache cache) {
            return new TrainingExample(cache.get(spec()), y, z, truth, sensorId);
        }
    }

    /** Snapshot: training and held-out examples, examples offered and random draws made. */
    public record State(List<Stored> training, List<Stored> heldOut, long offered, long draws) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public State {
            training = List.copyOf(training);
            heldOut = List.copyOf(heldOut);
        }
    }

    private final TaskSpec spec;
    private final long seed;
    private final int holdoutEvery;
    private final int heldOutCapacity;
    private final OperatorCache cache;
    private final List<Stored> training = new ArrayList<>();
    private final List<Stored> heldOut = new ArrayList<>();
    /** Examples offered to the training buffer (for reservoir sampling). */
    private long seen;
    private long offered;
    private long draws;

    public TaskBuffer(TaskSpec spec, long seed, OperatorCache cache) {
        this(spec, seed, DEFAULT_HOLDOUT_EVERY, cache);
    }

    /** @param holdoutEvery every this-many-th example is held out; 0 holds none out */
    public TaskBuffer(TaskSpec spec, long seed, int holdoutEvery, OperatorCache cache) {
        if (holdoutEvery < 0 || holdoutEvery == 1) {
            throw new IllegalArgumentException("holdoutEvery must be 0 (none) or >= 2, got " + holdoutEvery);
        }
        this.spec = spec;
        this.seed = seed;
        this.holdoutEvery = holdoutEvery;
        this.heldOutCapacity = Math.max(1, holdoutEvery == 0 ? 1 : spec.capacity() / holdoutEvery);
        this.cache = cache;
    }

    public TaskSpec spec() {
        return spec;
    }

    /** Adds an example (the caller has checked that it belongs to this task). */
    public void add(TrainingExample example) {
        Stored s = Stored.of(example);
        offered++;
        if (holdoutEvery > 0 && offered % holdoutEvery == 0) {
            heldOut.add(s);
            if (heldOut.size() > heldOutCapacity) {
                heldOut.remove(0);
            }
            return;
        }
        seen++;
        if (training.size() < spec.capacity()) {
            training.add(s);
        } else if (spec.mode() == TaskSpec.BufferMode.WINDOW) {
            training.remove(0);
            training.add(s);
        } else {
            long j = nextBelow(seen);
            if (j < spec.capacity()) {
                training.set((int) j, s);
            }
        }
    }

    public int size() {
        return training.size();
    }

    public int heldOutSize() {
        return heldOut.size();
    }

    /** Total examples offered to this buffer (training and held out). */
    public long offered() {
        return offered;
    }

    /** A mini-batch of batchSize distinct training examples drawn uniformly (all of them when fewer). */
    public List<TrainingExample> sample(int batchSize) {
        int k = Math.min(batchSize, training.size());
        int[] idx = new int[training.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        List<TrainingExample> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            int j = i + (int) nextBelow(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            out.add(training.get(idx[i]).toExample(cache));
        }
        return out;
    }

    /** All training examples, in buffer order. */
    public List<TrainingExample> training() {
        return rebuild(training);
    }

    /** The held-out examples, oldest first. */
    public List<TrainingExample> heldOut() {
        return rebuild(heldOut);
    }

    public State state() {
        return new State(training, heldOut, offered, draws);
    }

    public void restore(State state) {
        training.clear();
        training.addAll(state.training());
        heldOut.clear();
        heldOut.addAll(state.heldOut());
        offered = state.offered();
        seen = holdoutEvery > 0 ? offered - offered / holdoutEvery : offered;
        draws = state.draws();
    }

    private List<TrainingExample> rebuild(List<Stored> stored) {
        List<TrainingExample> out = new ArrayList<>(stored.size());
        for (Stored s : stored) {
            out.add(s.toExample(cache));
        }
        return out;
    }

    /** Uniform in [0, bound): SplitMix64 finaliser of (seed, draw counter), by rejection. */
    private long nextBelow(long bound) {
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
        while (true) {
            long r = mix(seed + 0x9E3779B97F4A7C15L * (++draws)) >>> 1;
            if (r < limit) {
                return r % bound;
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
