package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.flink.AvroKafkaSerializer;
import io.csflow.stream.flink.AvroTypeInfo;
import io.csflow.stream.flink.BatchKeySelector;
import io.csflow.stream.flink.BatchingFunction;
import io.csflow.stream.flink.RawRecord;
import io.csflow.stream.flink.RawRecordDeserializer;
import io.csflow.stream.flink.RawValueDeserializer;
import io.csflow.stream.flink.ReconstructFunction;
import io.csflow.stream.flink.ValidateFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The streaming job: Kafka measurements -> validate (bad ones to the dead-letter topic) -> batch per bucket of
 * sensors -> reconstruct (records the solver throws on to the dead-letter topic too) -> Kafka reconstructions,
 * exactly once (transactional sinks committed on checkpoints).
 * The compacted models topic is read from its earliest offset and broadcast to the reconstruct operator, which
 * validates each snapshot and switches its reconstructor to a newer model at the next batch (no restart).
 * The numerics come in through a {@link ReconstructionServiceFactory}; everything here is wiring.
 *
 * <p>Downstream consumers must read with isolation.level=read_committed, or they see aborted attempts too.
 */
public final class ReconstructionJob {

    public static final String JOB_NAME = "csflow-reconstruction";

    /** How long a reconstructor's start may spend reading the models topic before it goes on without it. */
    static final Duration MODELS_START_TIMEOUT = Duration.ofSeconds(30);
    /** How soon a models topic created after the job started is noticed. */
    static final Duration MODELS_DISCOVERY_INTERVAL = Duration.ofSeconds(10);

    private final JobConfig config;
    private final ReconstructionServiceFactory serviceFactory;

    public ReconstructionJob(JobConfig config, ReconstructionServiceFactory serviceFactory) {
        if (config == null || serviceFactory == null) {
            throw new IllegalArgumentException("job needs a JobConfig and a ReconstructionServiceFactory");
        }
        this.config = config;
        this.serviceFactory = serviceFactory;
    }

    /** Checkpointing, state backend and restart strategy as Flink 2.x configuration keys. */
    public Configuration flinkConfiguration() {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(StateBackendOptions.STATE_BACKEND, config.stateBackend());
        if (config.checkpointDir() != null) {
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir());
        }
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, config.restartAttempts());
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, config.restartDelay());
        return c;
    }

    /** Adds the pipeline to env (configuring it first) and returns the reconstruction stream. */
    public DataStream<Reconstruction> build(StreamExecutionEnvironment env) {
        env.configure(flinkConfiguration());
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        int buckets = config.buckets(env.getParallelism());

        DataStream<RawRecord> raw = env
                .fromSource(source(), WatermarkStrategy.noWatermarks(), "Kafka " + config.topics().measurements())
                .uid("kafka-measurements-source");

        SingleOutputStreamOperator<Measurement> valid = raw
                .process(new ValidateFunction(new MeasurementValidator(config.expectedN(), config.maxM(),
                        config.maxN())), AvroTypeInfo.MEASUREMENT)
                .uid("validate").name("Validate measurements");

        BroadcastStream<byte[]> models = env
                .fromSource(modelsSource(), WatermarkStrategy.noWatermarks(), "Kafka " + config.topics().models())
                .uid("kafka-models-source")
                .setParallelism(1)
                .broadcast(ReconstructFunction.MODELS);

        SingleOutputStreamOperator<Reconstruction> reconstructions = valid
                .keyBy(new BatchKeySelector(buckets))
                .process(new BatchingFunction(config.maxBatchSize(), config.maxBatchWait().toMillis()),
                        AvroTypeInfo.MEASUREMENT_BATCH)
                .uid("batch").name("Batch (" + buckets + " buckets, B=" + config.maxBatchSize() + ", T="
                        + config.maxBatchWait().toMillis() + " ms)")
                .connect(models)
                .process(new ReconstructFunction(serviceFactory, new ModelUpdates(config.expectedN()),
                        new ReconstructFunction.ModelSource(config.bootstrapServers(), config.topics().models(),
                                config.kafkaProperties(), MODELS_START_TIMEOUT), config.topics().measurements()),
                        AvroTypeInfo.RECONSTRUCTION)
                .uid("reconstruct").name("Reconstruct");

        // records the validator rejects and records the solver throws on (PoisonIsolation): one dead-letter sink
        valid.getSideOutput(ValidateFunction.DEAD_LETTERS)
                .union(reconstructions.getSideOutput(ValidateFunction.DEAD_LETTERS))
                .sinkTo(sink(AvroKafkaSerializer.deadLetters(config.topics().deadLetters()), "dlq"))
                .uid("kafka-dead-letters-sink").name("Kafka " + config.topics().deadLetters());

        reconstructions
                .sinkTo(sink(AvroKafkaSerializer.reconstructions(config.topics().reconstructions()), "out"))
                .uid("kafka-reconstructions-sink").name("Kafka " + config.topics().reconstructions());
        if (config.training() != null) TrainerTopology.attachTrainer(config, valid, reconstructions);
        return reconstructions;
    }

    /** Builds the job into env and submits it without blocking (works on a MiniCluster and on a cluster). */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(JOB_NAME);
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's committedOffsets still takes it
    KafkaSource<RawRecord> source() {
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(List.of(config.topics().measurements()))
                .setGroupId(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(config.startFromEarliest()
                        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST))
                .setDeserializer(new RawRecordDeserializer());
        // honour transactional producers upstream (e.g. a Flink-based simulator)
        config.kafkaClients().applyTo("kafka-measurements-source", Map.of("isolation.level", "read_committed"),
                builder::setProperty);
        return builder.build();
    }

    /**
     * The models topic as raw bytes, always from the earliest offset and without consumer-group offsets: a job
     * started without state replays the compacted topic and ends up at the latest valid version.
     */
    KafkaSource<byte[]> modelsSource() {
        var builder = KafkaSource.<byte[]>builder()
                .setBootstrapServers(config.bootstrapServers())
                // a pattern, not a topic list: a missing models topic is not an error (the job then runs on the
                // factory's prior) and is picked up by partition discovery once it is created
                .setTopicPattern(Pattern.compile(Pattern.quote(config.topics().models())))
                .setGroupId(config.groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawValueDeserializer());
        config.kafkaClients().applyTo("kafka-models-source", Map.of("isolation.level", "read_committed"),
                builder::setProperty);
        // after the caller's properties: this source never commits, so it never depends on group offsets
        builder.setProperty("commit.offsets.on.checkpoint", "false");
        builder.setProperty("enable.auto.commit", "false");
        builder.setProperty("partition.discovery.interval.ms", Long.toString(MODELS_DISCOVERY_INTERVAL.toMillis()));
        return builder.build();
    }

    <T> KafkaSink<T> sink(org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer,
                          String suffix) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // each sink needs its own prefix, or the two sinks fence each other's transactions
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + suffix);
        // the connector's default (1 h) exceeds the broker's transaction.max.timeout.ms (15 min)
        config.kafkaClients().applyTo("kafka-sink-" + suffix,
                Map.of("transaction.timeout.ms", Long.toString(config.transactionTimeout().toMillis())),
                builder::setProperty);
        return builder.build();
    }

    public JobConfig config() {
        return config;
    }

}
