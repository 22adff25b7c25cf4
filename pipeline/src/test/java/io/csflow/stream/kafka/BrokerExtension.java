package io.csflow.stream.kafka;

import io.csflow.stream.KafkaClientProperties;
import io.csflow.stream.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.function.Supplier;

/**
 * One real embedded broker per test class: {@code @RegisterExtension static final BrokerExtension KAFKA =
 * new BrokerExtension();} starts it before the class's tests and closes it after, in place of the same
 * start/stop pair in every Kafka test.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<EmbeddedKafkaBroker> starter;
    private EmbeddedKafkaBroker broker;

    /** A plaintext broker ({@link EmbeddedKafkaBroker#start()}). */
    public BrokerExtension() {
        this(EmbeddedKafkaBroker::start);
    }

    /** A broker started by {@code starter}, e.g. {@code () -> EmbeddedKafkaBroker.startWithSaslPlain(u, p)}. */
    public BrokerExtension(Supplier<EmbeddedKafkaBroker> starter) {
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public KafkaClientProperties clientProperties() {
        return broker.clientProperties();
    }

    public Admin admin() {
        return broker.admin();
    }

    public void createTopics(Topics topics, int partitions) {
        broker.createTopics(topics, partitions);
    }

    public void createTopics(List<NewTopic> topics) {
        broker.createTopics(topics);
    }
}
