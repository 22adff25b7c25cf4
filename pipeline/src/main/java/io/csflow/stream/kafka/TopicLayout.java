package io.csflow.stream.kafka;

import io.csflow.stream.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.List;
import java.util.Map;

/**
 * How csflow's four topics are created, wherever they are created (the embedded broker, {@code csflow
 * create-topics}, the ops scripts and the compose file, which both call that command): the data topics with the
 * requested partitions, the models topic compacted, with one partition and room for a whole model snapshot.
 */
public final class TopicLayout {

    /**
     * Largest model snapshot the models topic takes (its max.message.bytes; publishers need max.request.size at
     * least this). A snapshot of the shipped VAE is ~5 MB, over Kafka's 1 MB default.
     */
    public static final int MAX_MODEL_BYTES = 32 * 1024 * 1024;

    private TopicLayout() {
    }

    public static List<NewTopic> newTopics(Topics topics, int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, got " + replicationFactor);
        }
        return List.of(
                new NewTopic(topics.measurements(), partitions, replicationFactor),
                new NewTopic(topics.reconstructions(), partitions, replicationFactor),
                new NewTopic(topics.deadLetters(), partitions, replicationFactor),
                // one partition: the latest version is the last record of one log, whoever reads it
                new NewTopic(topics.models(), 1, replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MODEL_BYTES))));
    }
}
