package io.csflow.stream.kafka;

import io.csflow.stream.KafkaClientProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates topics on a Kafka cluster through an Admin client that takes the pass-through properties, and accepts
 * topics that already exist (so deployment scripts can run it every time).
 */
public final class TopicCreator {

    public enum Outcome { CREATED, EXISTS }

    private TopicCreator() {
    }

    /** The usual causes: the broker is not up yet, or the client speaks another protocol than its listener. */
    private static IllegalStateException noAnswer(String bootstrapServers, Duration timeout, String topic,
                                                  Throwable cause) {
        return new IllegalStateException("no answer from Kafka at " + bootstrapServers + " within "
                + timeout.toSeconds() + " s while creating " + topic + ": is the broker up, and do the security "
                + "settings (--kafka-property/--kafka-properties) match its listener?", cause);
    }

    /** Per topic name, whether it was created or was there already; throws on any other failure. */
    public static Map<String, Outcome> create(String bootstrapServers, KafkaClientProperties extra,
                                              List<NewTopic> topics, Duration timeout) {
        Map<String, Object> own = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "csflow-create-topics",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                // Kafka requires request.timeout.ms <= default.api.timeout.ms
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try (Admin admin = Admin.create(extra.clientConfig("create-topics", own))) {
            CreateTopicsResult result = admin.createTopics(topics);
            for (NewTopic t : topics) {
                try {
                    result.values().get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    outcomes.put(t.name(), Outcome.CREATED);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        outcomes.put(t.name(), Outcome.EXISTS);
                    } else if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                        throw noAnswer(bootstrapServers, timeout, t.name(), e.getCause());
                    } else {
                        throw new IllegalStateException("cannot create topic " + t.name() + " on " + bootstrapServers
                                + ": " + e.getCause(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw noAnswer(bootstrapServers, timeout, t.name(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return outcomes;
    }
}
