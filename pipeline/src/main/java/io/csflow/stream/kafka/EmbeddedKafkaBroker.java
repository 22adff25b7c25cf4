package io.csflow.stream.kafka;

import io.csflow.stream.KafkaClientProperties;
import io.csflow.stream.Topics;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) running inside this JVM, for tests and the
 * local demo. No Docker, no ZooKeeper; binds only to 127.0.0.1 and keeps its data in a temp dir that close()
 * deletes. Internal topics use replication factor 1 and one partition so transactions start fast.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path logDir;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private final KafkaClientProperties clientProperties;
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, int brokerPort, KafkaRaftServer server,
                                KafkaClientProperties clientProperties) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.server = server;
        this.clientProperties = clientProperties;
    }

    /** Formats a fresh log dir and starts the broker; returns once an Admin client can see the cluster. */
    public static EmbeddedKafkaBroker start() {
        return start(null, null);
    }

    /**
     * A broker whose client listener ({@link #bootstrapServers()}) takes only SASL_PLAINTEXT connections of the
     * PLAIN mechanism for {@code user} / {@code password}, so a test can show that security settings reach a
     * client: one without them cannot talk to it. {@link #clientProperties()} are the settings a client needs.
     */
    public static EmbeddedKafkaBroker startWithSaslPlain(String user, String password) {
        if (user == null || !user.matches("[a-zA-Z0-9._-]+") || password == null || password.contains("\"")) {
            throw new IllegalArgumentException("SASL user must be [a-zA-Z0-9._-]+ and the password free of quotes");
        }
        return start(user, password);
    }

    private static EmbeddedKafkaBroker start(String saslUser, String saslPassword) {
        Path dir;
        try {
            dir = Files.createTempDirectory("csflow-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the embedded broker", e);
        }
        try {
            int brokerPort = freePort();
            int controllerPort = freePort();
            Properties props = brokerProperties(dir, brokerPort, controllerPort);
            KafkaClientProperties clients = KafkaClientProperties.none();
            if (saslUser != null) {
                // clients on their own SASL listener; broker-internal traffic stays on a PLAINTEXT one
                int internalPort = freePort();
                props.put("listeners", "INTERNAL://" + HOST + ":" + internalPort + ",CONTROLLER://" + HOST + ":"
                        + controllerPort + ",CLIENT://" + HOST + ":" + brokerPort);
                props.put("advertised.listeners", "INTERNAL://" + HOST + ":" + internalPort + ",CLIENT://" + HOST
                        + ":" + brokerPort);
                props.put("inter.broker.listener.name", "INTERNAL");
                props.put("listener.security.protocol.map",
                        "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:SASL_PLAINTEXT");
                props.put("sasl.enabled.mechanisms", "PLAIN");
                props.put("listener.name.client.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + saslUser + "=\""
                                + saslPassword + "\";");
                clients = KafkaClientProperties.of(Map.of(
                        "security.protocol", "SASL_PLAINTEXT",
                        "sasl.mechanism", "PLAIN",
                        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "username=\"" + saslUser + "\" password=\"" + saslPassword + "\";"));
            }
            format(dir, props);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, brokerPort, server, clients);
            broker.awaitReady();
            return broker;
        } catch (Exception e) {
            deleteRecursively(dir);
            throw new IllegalStateException("embedded Kafka broker failed to start: " + e, e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The security settings a client of {@link #bootstrapServers()} needs (none for a PLAINTEXT broker). */
    public KafkaClientProperties clientProperties() {
        return clientProperties;
    }

    public Admin admin() {
        return Admin.create(clientProperties.clientConfig("embedded-broker-admin",
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers())));
    }

    /** Largest model snapshot the models topic takes (producers need max.request.size at least this). */
    public static final int MAX_MODEL_BYTES = TopicLayout.MAX_MODEL_BYTES;

    /** Creates the four csflow topics as {@link TopicLayout} lays them out. */
    public void createTopics(Topics topics, int partitions) {
        createTopics(TopicLayout.newTopics(topics, partitions, (short) 1));
    }

    public void createTopics(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics + ": " + e, e);
        }
    }

    /**
     * createTopics returns once the controller committed the topics, and a describe shows a leader as soon as the
     * broker's metadata cache has the partition; the replica manager may still be creating its log. A produce in
     * that window fails with NOT_LEADER_OR_FOLLOWER, and an idempotent producer with several requests in flight
     * can then have its *later* batch appended first: the retried first batch is rejected with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms expires it (the "Expiring N record(s)" test flake).
     * So wait for a leader and then for every partition to answer a ListOffsets, which the replica manager serves
     * only once it leads the partition.
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        while (true) {
            partitions.clear();
            try {
                boolean ready = true;
                // right after createTopics the broker's metadata may not know the topic yet: describe fails with
                // UnknownTopicOrPartition, which is retriable like everything else in this wait
                for (TopicDescription d : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS)
                        .values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        ready &= p.leader() != null && !p.leader().isEmpty();
                        partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                if (ready) {
                    admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions of " + names + " are not writable after 30 s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(logDir);
        }
    }

    private static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // single node: every internal topic must fit on one replica, and few partitions start faster
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // tests abort transactions by restarting jobs; don't keep the broker waiting on them
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        return p;
    }

    private static void format(Path dir, Properties props) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(dir.toString())
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName("CONTROLLER")
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void awaitReady() throws Exception {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        // small race between close and the broker's bind; acceptable for tests and the demo
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    Path logDir() {
        return logDir;
    }
}
