package io.csflow.cli;

import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.stream.kafka.TopicLayout;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --kafka-properties / --kafka-property through the real command line. */
class KafkaOptionsCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void aMalformedPairIsAUserErrorThatSaysWhatToType() {
        MainTest.Run r = MainTest.run("produce", "--profile", "cam:GAUSSIAN:10:0", "--count", "1",
                "--kafka-property", "security.protocol");
        assertEquals(1, r.exit());
        assertEquals("csflow produce: --kafka-property expects KEY=VALUE, e.g. security.protocol=SASL_SSL, got "
                + "'security.protocol'", r.err().strip());
    }

    @Test
    void anInvalidValueFailsWithKafkasReasonBeforeAnythingConnects() {
        MainTest.Run r = MainTest.run("create-topics", "--bootstrap-servers", "127.0.0.1:1",
                "--kafka-property", "security.protocol=TLS");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("csflow create-topics: Kafka client property: Invalid value TLS for "
                + "configuration security.protocol"), r.err());
    }

    @Test
    void anOwnedKeyNamesTheOptionAndAMissingFileIsNamed() {
        MainTest.Run r = MainTest.run("consume", "--kafka-property", "group.id=g");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("'group.id' cannot be passed through; use --group-id"), r.err());
        Path missing = tmp.resolve("client.properties");
        r = MainTest.run("consume", "--kafka-properties", missing.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--kafka-properties: no such file " + missing.toAbsolutePath()), r.err());
    }

    @Test
    void createTopicsReachesASaslOnlyBrokerWithThePropertiesFileAndKeepsExistingTopics() throws Exception {
        String password = "cli-secret-42";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithSaslPlain("csflow", password)) {
            Path file = tmp.resolve("client.properties");
            Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                    + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"csflow\" password=\"" + password + "\";\n");
            String[] args = {"create-topics", "--bootstrap-servers", broker.bootstrapServers(), "--partitions", "3",
                    "--topic-prefix", "cli.", "--kafka-properties", file.toString()};
            MainTest.Run first = MainTest.run(args);
            assertEquals(0, first.exit(), first.err());
            assertEquals("cli.cs.measurements          created\ncli.cs.reconstructions       created\n"
                    + "cli.cs.dead-letters          created\ncli.cs.models                created\n",
                    first.out().replace("\r", ""));
            assertFalse(first.out().contains(password) || first.err().contains(password));
            MainTest.Run second = MainTest.run(args);
            assertEquals(0, second.exit(), second.err());
            assertTrue(second.out().contains("cli.cs.models                exists"), second.out());
            try (var admin = broker.admin()) {
                Set<String> names = new TreeSet<>(admin.listTopics().names().get());
                assertTrue(names.containsAll(Set.of("cli.cs.measurements", "cli.cs.models")), names.toString());
                assertEquals(3, admin.describeTopics(Set.of("cli.cs.measurements")).allTopicNames().get()
                        .get("cli.cs.measurements").partitions().size());
                ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, "cli.cs.models");
                Config config = admin.describeConfigs(Set.of(models)).all().get().get(models);
                assertEquals("compact", config.get("cleanup.policy").value());
                assertEquals(Integer.toString(TopicLayout.MAX_MODEL_BYTES), config.get("max.message.bytes").value());
            }
        }
    }
}
