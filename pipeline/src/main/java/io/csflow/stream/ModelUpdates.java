package io.csflow.stream;

import io.csflow.avro.ModelSnapshot;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.wire.AvroWire;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of model snapshots arriving on the models topic, and a one-off read of that topic so a (re)started
 * reconstructor begins with the newest valid snapshot. Plain Java; the Flink operator only calls it.
 *
 * <p>A snapshot is accepted when it decodes as a {@link VaePrior} whose output size is the job's image size, all
 * of its weights are finite, and its version is strictly greater than the current one. Versions never go back.
 */
public final class ModelUpdates implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Why a snapshot was not taken. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        public Rejected(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final int expectedOutputDim;

    public ModelUpdates(int expectedOutputDim) {
        if (expectedOutputDim <= 0) {
            throw new IllegalArgumentException("expected output size must be positive, got " + expectedOutputDim);
        }
        this.expectedOutputDim = expectedOutputDim;
    }

    /** The prior in these bytes if it is acceptable on top of {@code currentVersion}; otherwise why not. */
    public VaePrior validate(byte[] value, long currentVersion) throws Rejected {
        if (value == null) {
            throw new Rejected("empty record (tombstone)", null);
        }
        ModelSnapshot snapshot;
        try {
            snapshot = AvroWire.modelSnapshots().decode(value);
        } catch (io.csflow.stream.wire.WireException | RuntimeException e) {
            throw new Rejected("not a ModelSnapshot: " + e.getMessage(), e);
        }
        if (snapshot.getVersion() <= currentVersion) {
            throw new Rejected("version " + snapshot.getVersion() + " is not newer than the current version "
                    + currentVersion, null);
        }
        VaePrior prior;
        try {
            prior = VaePrior.fromSnapshot(snapshot);
        } catch (RuntimeException e) {
            throw new Rejected("version " + snapshot.getVersion() + " is not a usable VAE prior: " + e.getMessage(),
                    e);
        }
        if (prior.outputDim() != expectedOutputDim) {
            throw new Rejected("version " + snapshot.getVersion() + " outputs " + prior.outputDim()
                    + " pixels, the job reconstructs " + expectedOutputDim, null);
        }
        if (!prior.encoder().allFinite() || !prior.decoder().allFinite()) {
            throw new Rejected("version " + snapshot.getVersion() + " has non-finite (NaN or infinite) weights",
                    null);
        }
        return prior;
    }

    /**
     * Reads the whole models topic once (read_committed, from the earliest offset, no consumer group) and returns
     * the newest snapshot acceptable over {@code currentVersion}, or null when there is none. Invalid snapshots
     * are skipped and reported to {@code rejected}.
     */
    public VaePrior newestOnTopic(String bootstrapServers, String topic, Map<String, String> kafkaProperties,
                                  long currentVersion, Duration timeout,
                                  java.util.function.BiConsumer<Long, String> rejected) {
        Map<String, Object> own = new HashMap<>();
        own.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        own.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> props = KafkaClientProperties.of(kafkaProperties).clientConfig("models-reader", own);
        // after the pass-through: a reader without a group that must never commit
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long deadline = System.nanoTime() + timeout.toNanos();
        VaePrior best = null;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return null;
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : infos) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (!caughtUp(c, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("models topic " + topic + " not read to its end within "
                            + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long floor = best == null ? currentVersion : best.version();
                    try {
                        best = validate(r.value(), floor);
                    } catch (Rejected e) {
                        rejected.accept(r.offset(), e.getMessage());
                    }
                }
            }
        }
        return best;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    public int expectedOutputDim() {
        return expectedOutputDim;
    }
}
