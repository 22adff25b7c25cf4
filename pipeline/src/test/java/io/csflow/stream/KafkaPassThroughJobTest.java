package io.csflow.stream;

import io.csflow.avro.DeadLetter;
import io.csflow.data.FashionMnist.Dataset;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.stream.kafka.TopicCreator;
import io.csflow.stream.kafka.TopicLayout;
import io.csflow.stream.wire.AvroWire;
import io.csflow.tools.ProfileSpec;
import io.csflow.tools.ReconstructionConsumer;
import io.csflow.tools.SensorSimulator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Kafka client csflow creates takes the pass-through properties: against a broker that accepts only
 * SASL/PLAIN clients, the topic admin, the simulator's producer, the job's sources and sinks and the consumer
 * all work with the settings from one properties file, and a client without them gets no answer.
 */
class KafkaPassThroughJobTest {

    private static final String USER = "csflow";
    private static final String PASSWORD = "pass-through-secret";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension(() -> EmbeddedKafkaBroker.startWithSaslPlain(USER, PASSWORD));

    @TempDir
    Path tmp;


    /** The settings as a user gives them: a client.properties file, as Kafka's own tools take. */
    private KafkaClientProperties fromFile() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + USER + "\" password=\"" + PASSWORD + "\";\n");
        KafkaClientProperties p = KafkaClientProperties.fromCommandLine(file, List.of()).checked();
        assertTrue(!p.toString().contains(PASSWORD), "the password is masked: " + p);
        return p;
    }

    @Test
    void aClientWithoutTheSecuritySettingsGetsNoAnswer() {
        Topics topics = Topics.defaults().withPrefix("plain.");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopicCreator.create(
                KAFKA.bootstrapServers(), KafkaClientProperties.none(), TopicLayout.newTopics(topics, 1, (short) 1),
                Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains("do the security settings (--kafka-property/--kafka-properties) match "
                + "its listener?"), e.getMessage());
    }

    @Test
    void everyClientOfTheDeploymentWorksThroughSasl() throws Exception {
        KafkaClientProperties security = fromFile();
        Topics topics = Topics.defaults().withPrefix("sasl.");
        String bootstrap = KAFKA.bootstrapServers();

        Map<String, TopicCreator.Outcome> created = TopicCreator.create(bootstrap, security,
                TopicLayout.newTopics(topics, 2, (short) 1), Duration.ofSeconds(30));
        assertEquals(List.of(TopicCreator.Outcome.CREATED), created.values().stream().distinct().toList());
        Map<String, TopicCreator.Outcome> again = TopicCreator.create(bootstrap, security,
                TopicLayout.newTopics(topics, 2, (short) 1), Duration.ofSeconds(30));
        assertEquals(List.of(TopicCreator.Outcome.EXISTS), again.values().stream().distinct().toList());

        JobConfig config = JobConfig.builder()
                .bootstrapServers(bootstrap)
                .topics(topics)
                .groupId("sasl")
                .transactionalIdPrefix("sasl")
                .parallelism(1)
                .maxBatchSize(8)
                .maxBatchWait(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofSeconds(60))
                .expectedN(784)
                .kafkaProperties(security.asMap())
                .build();
        JobClient job = new ReconstructionJob(config, TestServices.adjoint())
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
        try {
            int perSensor = 10;
            try (SensorSimulator sim = SensorSimulator.builder().bootstrapServers(bootstrap).kafkaProperties(security)
                    .topic(topics.measurements()).profiles(List.of(ProfileSpec.parse("cam:GAUSSIAN:20:0.1:sensors=2")))
                    .images(images(perSensor)).build()) {
                assertEquals(2L * perSensor, sim.run(perSensor).sentPerSensor().values().stream()
                        .mapToLong(Long::longValue).sum());
            }
            sendGarbage(bootstrap, security, topics.measurements());

            ReconstructionConsumer.Summary summary;
            try (ReconstructionConsumer consumer = ReconstructionConsumer.builder().bootstrapServers(bootstrap)
                    .kafkaProperties(security).topic(topics.reconstructions()).freshGroupId().build()) {
                summary = consumer.run(2L * perSensor, Duration.ofSeconds(90));
            }
            assertEquals(2L * perSensor, summary.records(), summary.format());
            assertEquals(0, summary.duplicates(), summary.format());
            assertEquals(Map.of("cam-0", (long) perSensor, "cam-1", (long) perSensor), summary.bySensor());

            DeadLetter dead = readOneDeadLetter(bootstrap, security, topics.deadLetters());
            assertEquals(topics.measurements(), dead.getSourceTopic().toString());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void sendGarbage(String bootstrap, KafkaClientProperties security, String topic) throws Exception {
        Map<String, Object> own = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(security.clientConfig("test-producer", own),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, "cam-x".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    private static DeadLetter readOneDeadLetter(String bootstrap, KafkaClientProperties security, String topic)
            throws Exception {
        Map<String, Object> own = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(security.clientConfig("test-consumer", own),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertEquals(1, got.size(), "one dead letter");
            return AvroWire.deadLetters().decode(got.get(0).value());
        }
    }

    private static Dataset images(int count) {
        Random r = new Random(5);
        float[][] img = new float[count][784];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 784; j++) {
                img[i][j] = r.nextFloat();
            }
            labels[i] = i % 10;
        }
        return new Dataset(img, labels, 28, 28);
    }
}
