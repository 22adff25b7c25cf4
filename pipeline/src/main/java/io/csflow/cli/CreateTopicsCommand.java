package io.csflow.cli;

import io.csflow.stream.Topics;
import io.csflow.stream.kafka.TopicCreator;
import io.csflow.stream.kafka.TopicLayout;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code csflow create-topics}: the four topics on a Kafka cluster, laid out as the job expects. */
@Command(name = "create-topics",
        mixinStandardHelpOptions = true,
        description = {
            "Creates csflow's topics (measurements, reconstructions and dead letters with --partitions partitions;"
                    + " the models topic compacted, 1 partition, max.message.bytes " + TopicLayout.MAX_MODEL_BYTES
                    + "). Topics that exist already are left as they are, so it is safe to run on every start.",
            "Example:  csflow create-topics --bootstrap-servers kafka:9092 --partitions 4",
        })
final class CreateTopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the four topic names, as the job's.")
    String topicPrefix;

    @Option(names = "--partitions", defaultValue = "4",
            description = "Partitions of the data topics; the job reads with at most this parallelism "
                    + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Replicas of every topic (default: ${DEFAULT-VALUE}; 3 on a production cluster).")
    short replicationFactor;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the broker, e.g. while it starts (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    KafkaClientOptionsMixin kafka = new KafkaClientOptionsMixin();

    @Override
    public Integer call() {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        }
        Topics topics = Topics.defaults().withPrefix(topicPrefix);
        Map<String, TopicCreator.Outcome> outcomes = TopicCreator.create(bootstrapServers, kafka.properties(),
                TopicLayout.newTopics(topics, partitions, replicationFactor), Duration.ofSeconds(timeoutSeconds));
        PrintWriter out = spec.commandLine().getOut();
        outcomes.forEach((name, outcome) -> out.printf("%-28s %s%n", name, outcome.name().toLowerCase()));
        out.flush();
        return 0;
    }
}
