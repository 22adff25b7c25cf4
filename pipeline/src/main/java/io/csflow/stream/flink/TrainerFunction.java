package io.csflow.stream.flink;

import io.csflow.avro.ModelSnapshot;
import io.csflow.core.learn.Guard;
import io.csflow.core.learn.OnlineTrainer;
import io.csflow.core.learn.TrainingExample;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.ModelUpdates;
import io.csflow.stream.TrainingConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one {@link OnlineTrainer} (parallelism 1): offers every paired record, steps when every task has a
 * mini-batch (at most once every {@link TrainingConfig#stepEveryRecords()} records), and when a candidate is
 * due lets the guard review it. Accepted versions are emitted as {@link ModelSnapshot}s; rejected ones are
 * logged and counted. The trainer's {@link OnlineTrainer#snapshot()} is checkpointed in operator state.
 */
public final class TrainerFunction extends ProcessFunction<TrainingRecord, ModelSnapshot>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerFunction.class);

    private final TrainingConfig config;
    private final ModelUpdates updates;
    private final ReconstructFunction.ModelSource modelSource;
    private transient OnlineTrainer trainer;
    private transient OnlineTrainer.State restored;
    private transient ListState<byte[]> state;
    private transient long sinceStep;
    private transient Counter steps;
    private transient Counter published;
    private transient Counter rejectedByGuard;
    private transient Counter notRouted;
    private transient volatile long version;

    public TrainerFunction(TrainingConfig config) {
        this(config, null, null);
    }

    /**
     * @param updates     validates snapshots read from the models topic (null with {@code modelSource})
     * @param modelSource when given and nothing is restored, training starts from the newest valid version on the
     *                    models topic instead of the prior file, so a fresh job never republishes old versions
     */
    public TrainerFunction(TrainingConfig config, ModelUpdates updates, ReconstructFunction.ModelSource modelSource) {
        if (config == null) {
            throw new IllegalArgumentException("a TrainingConfig is required");
        }
        if ((updates == null) != (modelSource == null)) {
            throw new IllegalArgumentException("model updates and model source go together");
        }
        this.config = config;
        this.updates = updates;
        this.modelSource = modelSource;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("online-trainer", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            for (byte[] bytes : state.get()) {
                restored = InstantiationUtil.deserializeObject(bytes, TrainerFunction.class.getClassLoader());
            }
        }
    }

    @Override
    public void open(OpenContext context) {
        VaePrior prior = Priors.load(Path.of(config.priorPath()));
        if (restored == null && modelSource != null) {
            prior = newestOnTopic(prior);
        }
        trainer = new OnlineTrainer(prior, config.trainer(), OperatorCache.shared());
        if (restored != null) {
            trainer.restore(restored);
            LOG.info("trainer restored at step {} with model v{}", trainer.steps(), trainer.current().version());
            restored = null;
        }
        version = trainer.current().version();
        var metrics = getRuntimeContext().getMetricGroup();
        steps = metrics.counter("trainerSteps");
        published = metrics.counter("modelsPublished");
        rejectedByGuard = metrics.counter("modelsRejectedByGuard");
        notRouted = metrics.counter("trainingRecordsNotRouted");
        metrics.gauge("trainerVersion", () -> version);
        metrics.gauge("weightingFailures", () -> trainer == null ? 0L : trainer.weightingFailures());
    }

    private VaePrior newestOnTopic(VaePrior fromFile) {
        try {
            VaePrior newest = updates.newestOnTopic(modelSource.bootstrapServers(), modelSource.topic(),
                    modelSource.kafkaProperties(), fromFile.version(), modelSource.timeout(),
                    (offset, reason) -> LOG.info("trainer skips models topic offset {}: {}", offset, reason));
            if (newest != null) {
                LOG.info("trainer starts from model v{} found on {}", newest.version(), modelSource.topic());
                return newest;
            }
        } catch (Exception e) {
            LOG.warn("trainer could not read models topic {}; starting from the prior file (v{}): {}",
                    modelSource.topic(), fromFile.version(), e.toString());
        }
        return fromFile;
    }

    @Override
    public void processElement(TrainingRecord r, Context ctx, Collector<ModelSnapshot> out) {
        TrainingExample example;
        try {
            example = new TrainingExample(OperatorCache.shared().get(OperatorSpec.of(r.operatorKind,
                    r.operatorSeed, r.m, r.n)), r.y, r.latent, r.truth, r.sensorId);
            if (trainer.offer(example) == 0) {
                notRouted.inc();
                return;
            }
        } catch (IllegalArgumentException e) {
            // e.g. a latent from a prior of another size: skip the record, never fail the job for training
            LOG.warn("not training on {}: {}", r, e.getMessage());
            notRouted.inc();
            return;
        }
        sinceStep++;
        if (sinceStep < config.stepEveryRecords() || !trainer.ready()) {
            return;
        }
        sinceStep = 0;
        OnlineTrainer.StepReport report = trainer.step();
        steps.inc();
        if (LOG.isDebugEnabled()) {
            LOG.debug("trainer step {}: losses {} weights {} norm {}", report.step(),
                    Arrays.toString(report.losses()), Arrays.toString(report.weights()), report.directionNorm());
        }
        if (!trainer.candidateDue()) {
            return;
        }
        var candidate = trainer.candidate();
        Guard.Verdict verdict = trainer.review(candidate);
        if (verdict.accepted()) {
            version = trainer.current().version();
            published.inc();
            LOG.info("model v{} accepted at trainer step {} (held-out {} vs {})", version, trainer.steps(),
                    Arrays.toString(verdict.candidateLosses()), Arrays.toString(verdict.currentLosses()));
            out.collect(trainer.current().toSnapshot(System.currentTimeMillis()));
        } else {
            rejectedByGuard.inc();
            LOG.warn("model candidate v{} rejected by the guard at trainer step {}: {}", candidate.version(),
                    trainer.steps(), verdict.reason());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.update(List.of(InstantiationUtil.serializeObject(trainer.snapshot())));
    }

    /** The live trainer (tests and diagnostics). */
    OnlineTrainer trainer() {
        return trainer;
    }
}
