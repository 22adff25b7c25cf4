package io.csflow.stream.kafka;

import io.csflow.avro.Measurement;
import io.csflow.stream.TestData;
import io.csflow.stream.Topics;
import io.csflow.stream.wire.AvroWire;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddedKafkaBrokerTest {

    @Test
    void startsCreatesTopicsRoundTripsARecordAndCleansUp() throws Exception {
        long t0 = System.nanoTime();
        Path dir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf("embedded broker up in %d ms at %s%n",
                    (System.nanoTime() - t0) / 1_000_000, broker.bootstrapServers());
            dir = broker.logDir();
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"));
            Topics topics = Topics.defaults();
            broker.createTopics(topics, 2);

            try (Admin admin = broker.admin()) {
                assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(Set.copyOf(topics.all())));
                ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, topics.models());
                Config cfg = admin.describeConfigs(List.of(models)).all().get(10, TimeUnit.SECONDS).get(models);
                assertEquals("compact", cfg.get("cleanup.policy").value());
            }

            AvroWire<Measurement> wire = AvroWire.measurements();
            Measurement m = TestData.measurement("sensor-a", 1);
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                p.send(new ProducerRecord<>(topics.measurements(), "sensor-a".getBytes(StandardCharsets.UTF_8),
                        wire.encode(m))).get(10, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<byte[], byte[]> c = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    topics.measurements())) {
                List<ConsumerRecord<byte[], byte[]>> got = KafkaTestClients.pollAtLeast(c, 1, Duration.ofSeconds(20));
                assertEquals(1, got.size());
                assertEquals("sensor-a", new String(got.get(0).key(), StandardCharsets.UTF_8));
                assertEquals(m, wire.decode(got.get(0).value()));
            }
        }
        assertFalse(Files.exists(dir), "close() must delete the log dir");
    }

    @Test
    void topicsValidateNames() {
        assertEquals(List.of("cs.measurements", "cs.reconstructions", "cs.dead-letters", "cs.models"),
                Topics.defaults().all());
        assertEquals("t1.cs.models", Topics.defaults().withPrefix("t1.").models());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Topics("a b", "r", "d", "m"));
        assertTrue(e.getMessage().contains("'a b'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Topics("x", "x", "d", "m"));
    }
}
