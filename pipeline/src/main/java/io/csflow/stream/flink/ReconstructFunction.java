package io.csflow.stream.flink;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.nn.NativeThreads;
import io.csflow.core.nn.VectorSupport;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.BatchReconstructionService;
import io.csflow.stream.BatchSummary;
import io.csflow.stream.ModelUpdates;
import io.csflow.stream.PoisonIsolation;
import io.csflow.stream.ReconstructionServiceFactory;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reconstructs one batch per call with a service built in open(), and swaps the model at batch boundaries.
 *
 * <p>Input 1: batches; one Reconstruction per measurement. Input 2 (broadcast): raw ModelSnapshot bytes from
 * the models topic. processBroadcastElement validates each snapshot ({@link ModelUpdates}) against the version in
 * broadcast state (or the factory's own prior while that state is empty) and stores an accepted one under
 * {@link #CURRENT} as (version, bytes); a rejected one is logged with its reason and counted in
 * {@code modelsRejected}. processElement compares, before each batch, the broadcast version with the one its
 * service was built from and, if newer, rebuilds the service from that snapshot. Broadcast state is checkpointed,
 * so after a restore the first batch already uses the newest accepted model: versions never go backwards.
 *
 * <p>When {@link ModelSource} is given, open() also reads the models topic once to its end, so a job started
 * (without state) while the topic holds newer models uses the newest valid one from its very first record.
 *
 * <p>A record the solver throws on is not allowed to fail the task (the restart would replay it and fail again,
 * forever): {@link PoisonIsolation} retries the batch record by record, and a record that fails alone while the
 * solver works for others goes to {@link ValidateFunction#DEAD_LETTERS} with cause RECONSTRUCTION_FAILED, its
 * re-encoded bytes and the sensor id as key. A failure of every record (the solver itself) still fails the task.
 */
public final class ReconstructFunction extends BroadcastProcessFunction<List<Measurement>, byte[], Reconstruction> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReconstructFunction.class);

    public static final String CURRENT = "current";

    /** Broadcast state: "current" -> (version, snapshot bytes) of the newest accepted model. */
    public static final MapStateDescriptor<String, Tuple2<Long, byte[]>> MODELS = new MapStateDescriptor<>(
            "models", Types.STRING, Types.TUPLE(Types.LONG, Types.PRIMITIVE_ARRAY(Types.BYTE)));

    /** Where open() reads the models topic once; null to skip that read. */
    public record ModelSource(String bootstrapServers, String topic, Map<String, String> kafkaProperties,
                              Duration timeout) implements Serializable {
        public ModelSource {
            kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        }
    }

    private final ReconstructionServiceFactory factory;
    private final ModelUpdates updates;
    private final ModelSource modelSource;
    /** The measurements topic, named in the dead letters this operator writes. */
    private final String sourceTopic;
    private final AvroWire<Measurement> measurementWire = AvroWire.measurements();

    private transient BatchReconstructionService service;
    /** Version of the prior the service was built from (the service may report 0, e.g. lasso). */
    private transient long loadedVersion;
    /** Version of the factory's own prior: the floor for broadcast snapshots while broadcast state is empty. */
    private transient long factoryVersion;
    /** The prior decoded by processBroadcastElement, so processElement needn't decode it again. */
    private transient VaePrior pending;
    /** A version whose rebuild failed: not retried at every batch. */
    private transient long failedVersion;
    private transient ReconstructionMetrics metrics;
    private transient PoisonIsolation isolation;

    /**
     * @param sourceTopic the measurements topic, written into the dead letters of records the solver throws on
     */
    public ReconstructFunction(ReconstructionServiceFactory factory, ModelUpdates updates, ModelSource modelSource,
                               String sourceTopic) {
        if (factory == null || updates == null || sourceTopic == null || sourceTopic.isBlank()) {
            throw new IllegalArgumentException("a ReconstructionServiceFactory, ModelUpdates and the measurements"
                    + " topic (for dead letters) are required");
        }
        this.factory = factory;
        this.updates = updates;
        this.modelSource = modelSource;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        // every parallel instance on this machine solves at once: give each its share of the cores
        int threads = NativeThreads.shareCores(getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        metrics = new ReconstructionMetrics(getRuntimeContext().getMetricGroup(),
                () -> service == null ? -1L : service.modelVersion(), threads);
        service = factory.create();
        // a cluster whose JVMs lack --add-modules=jdk.incubator.vector runs CS-BGM slower: say so and how to fix
        LOG.info("{} native thread(s); element-wise kernels: {}", threads, VectorSupport.describe());
        factoryVersion = service.modelVersion();
        loadedVersion = factoryVersion;
        failedVersion = Long.MIN_VALUE;
        isolation = new PoisonIsolation();
        if (modelSource != null && factory.swapsPriors()) {
            bootstrapFromTopic();
        }
    }

    private void bootstrapFromTopic() {
        try {
            VaePrior newest = updates.newestOnTopic(modelSource.bootstrapServers(), modelSource.topic(),
                    modelSource.kafkaProperties(), loadedVersion, modelSource.timeout(),
                    (offset, reason) -> LOG.info("models topic {} offset {} skipped at start: {}",
                            modelSource.topic(), offset, reason));
            if (newest != null) {
                swapTo(newest);
            }
        } catch (Exception e) {
            // the broadcast input delivers the same snapshots anyway, only later
            LOG.warn("could not read models topic {} at start; continuing with version {}: {}", modelSource.topic(),
                    loadedVersion, e.toString());
        }
    }

    @Override
    public void processElement(List<Measurement> batch, ReadOnlyContext ctx, Collector<Reconstruction> out)
            throws Exception {
        // batch boundary: take a newer accepted model before solving
        Tuple2<Long, byte[]> current = ctx.getBroadcastState(MODELS).get(CURRENT);
        if (current != null && current.f0 > loadedVersion && current.f0 != failedVersion) {
            maybeSwap(current);
        }
        long start = System.nanoTime();
        // throws only when the solver fails for every record (see PoisonIsolation): that fails the task, Flink
        // restarts from the last checkpoint and the batch is redone
        PoisonIsolation.Outcome outcome = isolation.reconstruct(service, batch);
        long solverMillis = (System.nanoTime() - start) / 1_000_000;
        List<Reconstruction> results = outcome.reconstructions();
        for (Reconstruction r : results) {
            out.collect(r);
        }
        long now = System.currentTimeMillis();
        for (PoisonIsolation.Poisoned p : outcome.poisoned()) {
            metrics.reconstructionDeadLettered();
            LOG.warn("dead-lettered key {} sequence {}: {}", p.measurement().getSensorId(),
                    p.measurement().getSequence(), p.rejection());
            ctx.output(ValidateFunction.DEAD_LETTERS, deadLetter(p, now));
        }
        metrics.batchSolved(BatchSummary.of(results, solverMillis, service.modelVersion()));
    }

    /**
     * The record re-encoded (the batch carries decoded measurements, so the original bytes and their partition
     * and offset are gone: -1; carrying them would change the batching state's type and break savepoints), keyed
     * by its sensor id, which producers use as the Kafka key.
     */
    DeadLetter deadLetter(PoisonIsolation.Poisoned p, long nowMillis) {
        Measurement m = p.measurement();
        return DeadLetter.newBuilder()
                .setRaw(ByteBuffer.wrap(measurementWire.encode(m)))
                .setKey(ByteBuffer.wrap(m.getSensorId().getBytes(StandardCharsets.UTF_8)))
                .setSourceTopic(sourceTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1L)
                .setReason(p.rejection().toString())
                .setFailedAtMillis(nowMillis)
                .build();
    }

    private void maybeSwap(Tuple2<Long, byte[]> current) {
        if (!factory.swapsPriors()) {
            LOG.warn("model version {} accepted but {} cannot swap priors; staying at version {}", current.f0,
                    factory, loadedVersion);
            failedVersion = current.f0;
            return;
        }
        try {
            VaePrior prior = pending != null && pending.version() == current.f0 ? pending
                    : updates.validate(current.f1, loadedVersion);
            swapTo(prior);
        } catch (Exception e) {
            LOG.error("could not switch to model version {}; staying at version {}", current.f0, loadedVersion, e);
            failedVersion = current.f0;
        } finally {
            pending = null;
        }
    }

    private void swapTo(VaePrior prior) throws Exception {
        BatchReconstructionService next = factory.create(prior);
        BatchReconstructionService previous = service;
        service = next;
        long from = loadedVersion;
        loadedVersion = prior.version();
        LOG.info("reconstructor switched from model version {} to {}", from, loadedVersion);
        if (previous != null) {
            previous.close();
        }
    }

    @Override
    public void processBroadcastElement(byte[] value, Context ctx, Collector<Reconstruction> out) throws Exception {
        BroadcastState<String, Tuple2<Long, byte[]>> state = ctx.getBroadcastState(MODELS);
        Tuple2<Long, byte[]> current = state.get(CURRENT);
        // the same decision in every parallel instance: only broadcast state and the factory's prior decide
        long floor = current == null ? factoryVersion : Math.max(current.f0, factoryVersion);
        try {
            VaePrior prior = updates.validate(value, floor);
            state.put(CURRENT, Tuple2.of(prior.version(), value));
            pending = prior;
            metrics.modelAccepted();
            LOG.info("model version {} accepted (was {})", prior.version(), floor);
        } catch (ModelUpdates.Rejected e) {
            metrics.modelRejected();
            LOG.warn("model snapshot rejected: {}", e.getMessage());
        }
    }

    long modelsAcceptedCount() {
        return metrics.modelsAcceptedCount();
    }

    long modelsRejectedCount() {
        return metrics.modelsRejectedCount();
    }

    long deadLettersCount() {
        return metrics.deadLettersCount();
    }

    /** The version of the prior the reconstructor uses now. */
    long loadedVersion() {
        return loadedVersion;
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            service.close();
        }
    }
}
