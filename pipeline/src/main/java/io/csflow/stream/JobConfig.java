package io.csflow.stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Immutable options of {@link ReconstructionJob}. Build with {@link #builder()}; build() checks every value. */
public record JobConfig(
        String bootstrapServers,
        Topics topics,
        String groupId,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        int parallelism,
        int bucketsPerInstance,
        int maxBatchSize,
        Duration maxBatchWait,
        Duration checkpointInterval,
        String stateBackend,
        String checkpointDir,
        int restartAttempts,
        Duration restartDelay,
        int expectedN,
        int maxM,
        int maxN,
        boolean startFromEarliest,
        Map<String, String> kafkaProperties,
        TrainingConfig training) implements Serializable {

    public JobConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrapServers must be set, got '"
                + bootstrapServers + "'");
        Objects.requireNonNull(topics, "topics");
        require(groupId != null && !groupId.isBlank(), "groupId must be set, got '" + groupId + "'");
        require(transactionalIdPrefix != null && transactionalIdPrefix.matches("[a-zA-Z0-9._-]+"),
                "transactionalIdPrefix must be non-empty [a-zA-Z0-9._-], got '" + transactionalIdPrefix + "'");
        positive("transactionTimeout", transactionTimeout);
        require(parallelism >= 0, "parallelism must be >= 0 (0 = the environment's default), got " + parallelism);
        require(bucketsPerInstance > 0, "bucketsPerInstance must be positive, got " + bucketsPerInstance);
        require(maxBatchSize > 0, "maxBatchSize must be positive, got " + maxBatchSize);
        positive("maxBatchWait", maxBatchWait);
        positive("checkpointInterval", checkpointInterval);
        // open transactions live until the next checkpoint commits them; the broker aborts them after the timeout
        require(transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) >= 0, "transactionTimeout ("
                + transactionTimeout + ") must be at least twice checkpointInterval (" + checkpointInterval + ")");
        require("hashmap".equals(stateBackend) || "rocksdb".equals(stateBackend),
                "stateBackend must be 'hashmap' or 'rocksdb', got '" + stateBackend + "'");
        require(restartAttempts >= 0, "restartAttempts must be >= 0, got " + restartAttempts);
        require(restartDelay != null && !restartDelay.isNegative(), "restartDelay must be >= 0, got " + restartDelay);
        require(maxM > 0, "maxM must be positive, got " + maxM);
        require(maxN > 0, "maxN must be positive, got " + maxN);
        require(expectedN > 0 && expectedN <= maxN, "expectedN must be in 1.." + maxN + " (maxN), got " + expectedN);
        // checked here (reserved keys are rejected) so a bad property fails at submission, not in a task
        kafkaProperties = Map.copyOf(KafkaClientProperties.of(kafkaProperties).checked().asMap());
    }

    /** The pass-through Kafka properties every client of the job takes (see {@link KafkaClientProperties}). */
    public KafkaClientProperties kafkaClients() {
        return KafkaClientProperties.of(kafkaProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Number of batch keys: enough buckets per subtask that batches spread evenly over subtasks. */
    public int buckets(int effectiveParallelism) {
        return effectiveParallelism * bucketsPerInstance;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void positive(String name, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
    }

    /** Defaults suit a local run; production sets bootstrapServers, expectedN, checkpointDir at least. */
    public static final class Builder {
        private String bootstrapServers;
        private Topics topics = Topics.defaults();
        private String groupId = "csflow-reconstruction";
        private String transactionalIdPrefix = "csflow-reconstruction";
        private Duration transactionTimeout = Duration.ofMinutes(5);
        private int parallelism;
        private int bucketsPerInstance = 4;
        private int maxBatchSize = 64;
        private Duration maxBatchWait = Duration.ofMillis(200);
        private Duration checkpointInterval = Duration.ofSeconds(10);
        private String stateBackend = "hashmap";
        private String checkpointDir;
        private int restartAttempts = 10;
        private Duration restartDelay = Duration.ofSeconds(1);
        private int expectedN = 784;
        private int maxM = 784 * 4;
        private int maxN = 784;
        private boolean startFromEarliest = true;
        private Map<String, String> kafkaProperties = Map.of();
        private TrainingConfig training;

        private Builder() {
        }

        private Builder(JobConfig c) {
            bootstrapServers = c.bootstrapServers;
            topics = c.topics;
            groupId = c.groupId;
            transactionalIdPrefix = c.transactionalIdPrefix;
            transactionTimeout = c.transactionTimeout;
            parallelism = c.parallelism;
            bucketsPerInstance = c.bucketsPerInstance;
            maxBatchSize = c.maxBatchSize;
            maxBatchWait = c.maxBatchWait;
            checkpointInterval = c.checkpointInterval;
            stateBackend = c.stateBackend;
            checkpointDir = c.checkpointDir;
            restartAttempts = c.restartAttempts;
            restartDelay = c.restartDelay;
            expectedN = c.expectedN;
            maxM = c.maxM;
            maxN = c.maxN;
            startFromEarliest = c.startFromEarliest;
            kafkaProperties = c.kafkaProperties;
            training = c.training;
        }

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder topics(Topics v) { topics = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder transactionalIdPrefix(String v) { transactionalIdPrefix = v; return this; }
        public Builder transactionTimeout(Duration v) { transactionTimeout = v; return this; }
        public Builder parallelism(int v) { parallelism = v; return this; }
        public Builder bucketsPerInstance(int v) { bucketsPerInstance = v; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }
        public Builder maxBatchWait(Duration v) { maxBatchWait = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        /** "hashmap" (heap) or "rocksdb"; written to Flink's state.backend.type. */
        public Builder stateBackend(String v) { stateBackend = v; return this; }
        /** URI for execution.checkpointing.dir, e.g. file:///var/csflow/ckpt or s3://...; null = JobManager memory. */
        public Builder checkpointDir(String v) { checkpointDir = v; return this; }
        public Builder restartAttempts(int v) { restartAttempts = v; return this; }
        public Builder restartDelay(Duration v) { restartDelay = v; return this; }
        public Builder expectedN(int v) { expectedN = v; return this; }
        public Builder maxM(int v) { maxM = v; return this; }
        public Builder maxN(int v) { maxN = v; return this; }
        /** Where a new consumer group starts: earliest (default) or latest; committed offsets win when present. */
        public Builder startFromEarliest(boolean v) { startFromEarliest = v; return this; }
        /** Extra Kafka client properties for source and sinks, e.g. security settings. */
        public Builder kafkaProperties(Map<String, String> v) { kafkaProperties = v; return this; }
        /** Online training of the prior, published to the models topic; null (default) = off. */
        public Builder training(TrainingConfig v) { training = v; return this; }

        public JobConfig build() {
            return new JobConfig(bootstrapServers, topics, groupId, transactionalIdPrefix, transactionTimeout,
                    parallelism, bucketsPerInstance, maxBatchSize, maxBatchWait, checkpointInterval, stateBackend,
                    checkpointDir, restartAttempts, restartDelay, expectedN, maxM, maxN, startFromEarliest,
                    kafkaProperties, training);
        }
    }
}
