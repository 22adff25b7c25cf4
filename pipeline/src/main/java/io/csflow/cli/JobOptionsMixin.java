package io.csflow.cli;

import io.csflow.stream.JobConfig;
import io.csflow.stream.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The streaming job's settings as command-line options (see README, "Configuration"). */
public final class JobOptionsMixin {

    private static final JobConfig D = JobConfig.builder().bootstrapServers("unused:1").build();

    @Option(names = "--topic-prefix", description = "Prefix of the four topic names (default: none).")
    String topicPrefix = "";

    @Option(names = "--parallelism", description = "Parallelism of the job (default: the environment's).")
    int parallelism = 0;

    @Option(names = "--batch-size", description = "Records per solver batch, B (default: ${DEFAULT-VALUE}).")
    int batchSize = D.maxBatchSize();

    @Option(names = "--batch-wait-ms", description = "Longest wait of a buffered record before its batch is solved, T.")
    long batchWaitMs = D.maxBatchWait().toMillis();

    @Option(names = "--buckets-per-instance", description = "Batch keys per parallel instance.")
    int bucketsPerInstance = D.bucketsPerInstance();

    @Option(names = "--checkpoint-interval-ms", description = "Checkpoint interval; output becomes visible to "
            + "read_committed consumers at each checkpoint.")
    long checkpointIntervalMs = D.checkpointInterval().toMillis();

    @Option(names = "--restart-attempts", description = "Restarts after failures before the job fails "
            + "(fixed-delay strategy; default: ${DEFAULT-VALUE}). On a cluster a lost TaskManager can cost several: "
            + "deployments to it fail until its heartbeat times out.")
    int restartAttempts = D.restartAttempts();

    @Option(names = "--restart-delay-ms", description = "Wait between restarts (default: ${DEFAULT-VALUE}).")
    long restartDelayMs = D.restartDelay().toMillis();

    @Option(names = "--state-backend", description = "hashmap or rocksdb (Flink's state.backend.type).")
    String stateBackend = D.stateBackend();

    @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI (Flink's execution.checkpointing.dir).")
    String checkpointDir;

    @Option(names = "--transactional-id-prefix", description = "Prefix of the Kafka sinks' transactional ids.")
    String transactionalIdPrefix = D.transactionalIdPrefix();

    @Option(names = "--group-id", description = "Consumer group of the Kafka source.")
    String groupId = D.groupId();

    @Option(names = "--max-m", description = "Records with more measurements go to the dead letters.")
    int maxM = D.maxM();

    /** Every Kafka client of the job (sources, sinks, the models reader) takes these. */
    @Mixin
    KafkaClientOptionsMixin kafka = new KafkaClientOptionsMixin();

    /** Small batches and frequent checkpoints, so a short demo shows results within seconds. */
    public static JobOptionsMixin demo() {
        JobOptionsMixin m = new JobOptionsMixin();
        m.parallelism = 1;
        m.batchSize = 16;
        m.batchWaitMs = 500;
        m.checkpointIntervalMs = 2000;
        m.transactionalIdPrefix = "csflow-demo";
        return m;
    }

    /** Full batches (records are all there at the start) and a short checkpoint interval. */
    public static JobOptionsMixin bench() {
        JobOptionsMixin m = new JobOptionsMixin();
        m.parallelism = 1;
        m.bucketsPerInstance = 1;
        m.batchSize = 64;
        m.batchWaitMs = 2000;
        m.checkpointIntervalMs = 1000;
        m.transactionalIdPrefix = "csflow-bench";
        return m;
    }

    public JobConfig config(String bootstrapServers, int expectedN) {
        JobConfig.Builder b = D.toBuilder()
                .bootstrapServers(bootstrapServers)
                .topics(Topics.defaults().withPrefix(topicPrefix))
                .parallelism(parallelism)
                .maxBatchSize(batchSize)
                .maxBatchWait(Duration.ofMillis(batchWaitMs))
                .bucketsPerInstance(bucketsPerInstance)
                .checkpointInterval(Duration.ofMillis(checkpointIntervalMs))
                .restartAttempts(restartAttempts)
                .restartDelay(Duration.ofMillis(restartDelayMs))
                .stateBackend(stateBackend)
                .transactionalIdPrefix(transactionalIdPrefix)
                .groupId(groupId)
                .expectedN(expectedN)
                .maxM(maxM)
                .kafkaProperties(kafka.properties().asMap());
        if (checkpointDir != null) {
            b.checkpointDir(checkpointDir);
        }
        return b.build();
    }
}
