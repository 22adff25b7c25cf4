package io.csflow.core.learn;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.prior.VaePrior;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Online multi-task adaptation of a VAE decoder: examples are routed to the tasks whose sensor pattern
 * they match; each {@link #step()} takes one mini-batch per task, their gradients g_i (latents fixed, see
 * {@link TaskLoss}), task weights a from a {@link GradientWeighting}, the direction d = sum a_i g_i
 * (clipped to a maximum norm if set) and one step of the optimiser wrapped in {@link AntiPgd}. Every
 * {@code publishEvery} steps {@link #candidate()} offers the published weights (theta - xi) as version
 * current + 1 and {@link #review} runs the {@link Guard}: accepted candidates become current.
 *
 * <p>No streaming types: a stream operator owns one trainer, calls {@link #offer}, {@link #step},
 * {@link #candidate} and {@link #review}, and checkpoints {@link #snapshot()} (one serializable value).
 * Not thread-safe.
 */
public final class OnlineTrainer {

    /**
     * @param tasks        the tasks (at least one)
     * @param weighting    linear | mgda | scale-invariant | nash-mtl
     * @param optimizer    sgd | adam
     * @param learningRate the optimiser's step size
     * @param noiseScale   Anti-PGD noise s per coordinate (0 = off)
     * @param maxGradNorm  clip the direction to this norm (0 = off)
     * @param batchSize    examples per task and step
     * @param publishEvery a candidate is due every this many steps
     * @param guardMargin  relative held-out loss increase the guard tolerates
     * @param seed         seeds buffers and noise
     */
    public record Config(List<TaskSpec> tasks, String weighting, String optimizer, double learningRate,
                         double noiseScale, double maxGradNorm, int batchSize, int publishEvery,
                         double guardMargin, long seed, int weightingEvery) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        /** Weights recomputed at every step. */
        public Config(List<TaskSpec> tasks, String weighting, String optimizer, double learningRate,
                      double noiseScale, double maxGradNorm, int batchSize, int publishEvery,
                      double guardMargin, long seed) {
            this(tasks, weighting, optimizer, learningRate, noiseScale, maxGradNorm, batchSize, publishEvery,
                    guardMargin, seed, 1);
        }

        public Config {
            if (tasks == null || tasks.isEmpty()) {
                throw new IllegalArgumentException("the trainer needs at least one task");
            }
            tasks = List.copyOf(tasks);
            if (tasks.stream().map(TaskSpec::name).distinct().count() != tasks.size()) {
                throw new IllegalArgumentException("task names must be distinct");
            }
            OnlineTrainer.weighting(weighting);
            OnlineTrainer.optimizer(optimizer, learningRate);
            if (!(noiseScale >= 0) || !Double.isFinite(noiseScale)) {
                throw new IllegalArgumentException("Anti-PGD noise must be finite and >= 0, got " + noiseScale);
            }
            if (!(maxGradNorm >= 0) || !Double.isFinite(maxGradNorm)) {
                throw new IllegalArgumentException("max gradient norm must be finite and >= 0 (0 = off), got "
                        + maxGradNorm);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("mini-batch size must be >= 1, got " + batchSize);
            }
            if (publishEvery < 1) {
                throw new IllegalArgumentException("publishEvery must be >= 1, got " + publishEvery);
            }
            if (!(guardMargin >= 0) || !Double.isFinite(guardMargin)) {
                throw new IllegalArgumentException("guard margin must be finite and >= 0, got " + guardMargin);
            }
            if (weightingEvery < 1) {
                throw new IllegalArgumentException("weightingEvery must be >= 1 (1 = every step), got " + weightingEvery);
            }
        }
    }

    /** One step: per-task losses (at theta, before the step), task weights, direction norm before clipping. */
    public record StepReport(long step, double[] losses, double[] weights, double directionNorm, boolean clipped) {
    }

    /** Everything a checkpoint needs; restore into a trainer built with the same config and base prior. */
    public record State(long currentVersion, Map<String, String> currentMetadata, float[] currentDecoder,
                        float[] params, AdamOptimizer.State adam, AntiPgd.State antiPgd,
                        NashMtlWeighting.State nash, List<TaskBuffer.State> buffers, long step,
                        long accepted, long rejected) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public State {
            currentMetadata = Map.copyOf(currentMetadata);
            currentDecoder = currentDecoder.clone();
            params = params.clone();
            buffers = List.copyOf(buffers);
        }

        @Override
        public float[] currentDecoder() {
            return currentDecoder.clone();
        }

        @Override
        public float[] params() {
            return params.clone();
        }
    }

    private final Config config;
    private final VaePrior base;
    private final FlatWeights layout;
    private final TaskLoss loss;
    private final List<TaskBuffer> buffers = new ArrayList<>();
    private final GradientWeighting weighting;
    private final Optimizer baseOptimizer;
    private final AntiPgd optimizer;
    private final Guard guard;
    private final DenseStack work;
    private VaePrior current;
    private float[] params;
    private long step;
    private long accepted;
    private long rejected;

    /**
     * @param initial the prior to adapt: its decoder is the starting theta and version; its encoder is kept
     * @param cache   rebuilds operators from the specs the buffers store
     */
    public OnlineTrainer(VaePrior initial, Config config, OperatorCache cache) {
        this.config = config;
        this.base = initial;
        this.current = initial;
        this.layout = FlatWeights.layoutOf(initial.decoder());
        this.loss = new TaskLoss(initial.decoder());
        for (int i = 0; i < config.tasks().size(); i++) {
            buffers.add(new TaskBuffer(config.tasks().get(i), config.seed() + 1000003L * (i + 1), cache));
        }
        this.weighting = config.weightingEvery() > 1 && "nash-mtl".equalsIgnoreCase(config.weighting())
                // Nash-MTL's solve is the costly weighting: it may reuse its weights for k steps
                ? new NashMtlWeighting(1e-6, 100, config.weightingEvery(), NashMtlWeighting.Fallback.PREVIOUS)
                : weighting(config.weighting());
        this.baseOptimizer = optimizer(config.optimizer(), config.learningRate());
        this.optimizer = new AntiPgd(baseOptimizer, config.noiseScale(), config.seed());
        this.guard = new Guard(Collections.unmodifiableList(buffers), loss, config.guardMargin());
        this.params = layout.flatten(initial.decoder());
        this.work = initial.decoder().dup();
    }

    /** Times the weighting could not solve for its weights and fell back (only Nash-MTL can fail). */
    public long weightingFailures() {
        return weighting instanceof NashMtlWeighting nash ? nash.failures() : 0;
    }

    /** The weighting of a config name. */
    public static GradientWeighting weighting(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "linear" -> new LinearWeighting();
            case "mgda" -> new MgdaWeighting();
            case "scale-invariant" -> new ScaleInvariantWeighting();
            case "nash-mtl" -> new NashMtlWeighting();
            default -> throw new IllegalArgumentException("unknown gradient weighting '" + name
                    + "'; use linear, mgda, scale-invariant or nash-mtl");
        };
    }

    static Optimizer optimizer(String name, double lr) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SgdOptimizer(lr);
            case "adam" -> new AdamOptimizer(lr);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; use sgd or adam");
        };
    }

    public Config config() {
        return config;
    }

    /** The last accepted prior (the initial one until a candidate passes the guard). */
    public VaePrior current() {
        return current;
    }

    public long steps() {
        return step;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected() {
        return rejected;
    }

    public Guard guard() {
        return guard;
    }

    public TaskLoss taskLoss() {
        return loss;
    }

    /** The task buffers, in config order (read-only list; the buffers themselves are live). */
    public List<TaskBuffer> buffers() {
        return Collections.unmodifiableList(buffers);
    }

    /** Routes an example to every task whose pattern matches its sensor id; returns how many took it. */
    public int offer(TrainingExample example) {
        if (example.operator().n() != current.outputDim()) {
            throw new IllegalArgumentException("example of sensor " + example.sensorId() + " has n="
                    + example.operator().n() + " but the decoder writes " + current.outputDim());
        }
        if (example.z().length != current.latentDim()) {
            throw new IllegalArgumentException("example of sensor " + example.sensorId() + " has a latent of "
                    + example.z().length + " but the decoder takes " + current.latentDim());
        }
        int routed = 0;
        for (TaskBuffer b : buffers) {
            if (b.spec().matches(example.sensorId())) {
                b.add(example);
                routed++;
            }
        }
        return routed;
    }

    /** True when every task has at least a mini-batch of training examples. */
    public boolean ready() {
        for (TaskBuffer b : buffers) {
            if (b.size() < config.batchSize()) {
                return false;
            }
        }
        return true;
    }

    /** One multi-task step; throws IllegalStateException unless {@link #ready()}. */
    public StepReport step() {
        if (!ready()) {
            StringBuilder sb = new StringBuilder("not every task has a mini-batch of " + config.batchSize() + ":");
            for (TaskBuffer b : buffers) {
                sb.append(' ').append(b.spec().name()).append('=').append(b.size());
            }
            throw new IllegalStateException(sb.toString());
        }
        layout.assign(params, work);
        int k = buffers.size();
        float[][] grads = new float[k][];
        double[] losses = new double[k];
        for (int i = 0; i < k; i++) {
            TaskLoss.Result r = loss.evaluate(work, buffers.get(i).sample(config.batchSize()));
            grads[i] = r.gradient();
            losses[i] = r.loss();
        }
        TaskGradients tasks = TaskGradients.of(grads, losses);
        double[] a = weighting.weights(tasks);
        float[] d = tasks.direction(a);
        double sq = 0;
        for (float v : d) {
            sq += (double) v * v;
        }
        double norm = Math.sqrt(sq);
        boolean clipped = false;
        if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
            float f = (float) (config.maxGradNorm() / norm);
            for (int p = 0; p < d.length; p++) {
                d[p] *= f;
            }
            clipped = true;
        }
        optimizer.step(params, d);
        step++;
        return new StepReport(step, losses, a, norm, clipped);
    }

    /** True when {@link #publishEvery} steps have passed since the start (every N-th step). */
    public boolean candidateDue() {
        return step > 0 && step % config.publishEvery() == 0;
    }

    /**
     * The published weights theta - xi_t as a new prior of version current + 1, with the current encoder.
     * Call {@link #review} to guard and adopt it.
     */
    public VaePrior candidate() {
        DenseStack decoder = layout.build(optimizer.published(params), current.decoder());
        Map<String, String> meta = new HashMap<>(current.metadata());
        meta.put("trainer.step", Long.toString(step));
        meta.put("trainer.weighting", config.weighting());
        meta.put("trainer.parent", Long.toString(current.version()));
        return new VaePrior(current.version() + 1, current.encoder(), decoder, meta);
    }

    /** Guards a candidate against the current prior; on acceptance it becomes current, else it is counted. */
    public Guard.Verdict review(VaePrior candidate) {
        Guard.Verdict v = guard.check(candidate, current);
        if (v.accepted()) {
            current = candidate;
            accepted++;
        } else {
            rejected++;
        }
        return v;
    }

    /** The trainer's state as one serializable value. */
    public State snapshot() {
        List<TaskBuffer.State> bs = new ArrayList<>();
        for (TaskBuffer b : buffers) {
            bs.add(b.state());
        }
        return new State(current.version(), current.metadata(), layout.flatten(current.decoder()), params,
                baseOptimizer instanceof AdamOptimizer adam ? adam.state() : null, optimizer.state(),
                weighting instanceof NashMtlWeighting nash ? nash.state() : null, bs, step, accepted, rejected);
    }

    /** Restores a snapshot taken from a trainer with the same config and base prior. */
    public void restore(State state) {
        if (state.buffers().size() != buffers.size()) {
            throw new IllegalArgumentException("snapshot has " + state.buffers().size() + " task buffers, the config "
                    + buffers.size());
        }
        float[] dec = state.currentDecoder();
        if (dec.length != layout.size() || state.params().length != layout.size()) {
            throw new IllegalArgumentException("snapshot holds " + dec.length + " decoder weights, the prior has "
                    + layout.size());
        }
        current = new VaePrior(state.currentVersion(), base.encoder(), layout.build(dec, base.decoder()),
                state.currentMetadata());
        params = state.params();
        if (baseOptimizer instanceof AdamOptimizer adam && state.adam() != null) {
            adam.restore(state.adam());
        }
        optimizer.restore(state.antiPgd());
        if (weighting instanceof NashMtlWeighting nash && state.nash() != null) {
            nash.restore(state.nash());
        }
        for (int i = 0; i < buffers.size(); i++) {
            buffers.get(i).restore(state.buffers().get(i));
        }
        step = state.step();
        accepted = state.accepted();
        rejected = state.rejected();
    }
}
