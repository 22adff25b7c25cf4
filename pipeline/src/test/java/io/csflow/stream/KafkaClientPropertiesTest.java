package io.csflow.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"csflow\" password=\"p4ss=word\";";

    @TempDir
    Path tmp;

    @Test
    void parseSplitsAtTheFirstEqualsSoJaasValuesKeepTheirs() {
        assertArrayEquals(new String[] {"sasl.jaas.config", JAAS}, KafkaClientProperties.parse("sasl.jaas.config=" + JAAS));
        assertArrayEquals(new String[] {"ssl.truststore.password", ""},
                KafkaClientProperties.parse("ssl.truststore.password="));
    }

    @Test
    void aMalformedPairSaysWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.parse("security.protocol"));
        assertEquals("--kafka-property expects KEY=VALUE, e.g. security.protocol=SASL_SSL, got 'security.protocol'",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.parse("security.protocol:SSL"));
        assertTrue(e.getMessage().endsWith("got 'security.protocol:SSL' (use '=', not ':')"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.parse("=SSL"));
        assertTrue(e.getMessage().startsWith("--kafka-property expects KEY=VALUE"), e.getMessage());
    }

    @Test
    void aMalformedSecretIsNotEchoedInFull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.parse("ssl.keystore.password:topsecretvalue123"));
        assertFalse(e.getMessage().contains("topsecretvalue123"), e.getMessage());
    }

    @Test
    void keysOwnedByAnOptionAreRejectedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.parse("bootstrap.servers=k:9092"));
        assertEquals("--kafka-property: 'bootstrap.servers' cannot be passed through; use --bootstrap-servers",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(Map.of("group.id", "g")));
        assertEquals("a Kafka property: 'group.id' cannot be passed through; use --group-id", e.getMessage());
    }

    @Test
    void commandLinePairsOverrideTheFileAndTheLastPairWins() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, """
                # TLS towards the brokers
                security.protocol=SSL
                ssl.truststore.location=/etc/kafka/truststore.jks
                request.timeout.ms=20000
                """);
        KafkaClientProperties p = KafkaClientProperties.fromCommandLine(file,
                List.of("security.protocol=SASL_SSL", "request.timeout.ms=1000", "request.timeout.ms=30000"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "ssl.truststore.location", "/etc/kafka/truststore.jks",
                "request.timeout.ms", "30000"), p.asMap());
    }

    @Test
    void extraPropertiesOverrideTheClientsOwnSettings() {
        Map<String, Object> own = new LinkedHashMap<>();
        own.put("bootstrap.servers", "k:9092");
        own.put("acks", "all");
        own.put("client.id", "csflow-produce");
        Map<String, Object> cfg = KafkaClientProperties.of(Map.of("client.id", "plant-7", "security.protocol", "SSL"))
                .clientConfig("produce", own);
        assertEquals(Map.of("bootstrap.servers", "k:9092", "acks", "all", "client.id", "plant-7",
                "security.protocol", "SSL"), cfg);
        assertEquals("csflow-produce", own.get("client.id"), "the caller's map is not modified");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = tmp.resolve("nope.properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.fromCommandLine(missing, List.of()));
        assertTrue(e.getMessage().startsWith("--kafka-properties: no such file " + missing.toAbsolutePath()),
                e.getMessage());
    }

    @Test
    void toStringMasksSecretsButShowsEverythingElse() {
        KafkaClientProperties p = KafkaClientProperties.fromCommandLine(null, List.of(
                "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "sasl.jaas.config=" + JAAS,
                "ssl.truststore.password=changeit", "ssl.keystore.key=-----BEGIN PRIVATE KEY-----abc",
                "ssl.truststore.location=/etc/ts.jks", "ssl.keystore.location=/etc/ks.jks"));
        String s = p.toString();
        assertEquals("{security.protocol=SASL_SSL, sasl.mechanism=PLAIN, sasl.jaas.config=[hidden], "
                + "ssl.truststore.password=[hidden], ssl.keystore.key=[hidden], ssl.truststore.location=/etc/ts.jks, "
                + "ssl.keystore.location=/etc/ks.jks}", s);
    }

    @Test
    void checkedRejectsValuesKafkaWouldRejectWithKafkasReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(Map.of("security.protocol", "SASL_TLS")).checked());
        assertTrue(e.getMessage().startsWith("Kafka client property: Invalid value SASL_TLS for configuration "
                + "security.protocol"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(Map.of("request.timeout.ms", "soon")).checked());
        assertTrue(e.getMessage().contains("request.timeout.ms"), e.getMessage());
        // unknown keys pass (plug-ins define their own), valid ones too
        KafkaClientProperties ok = KafkaClientProperties.of(Map.of("security.protocol", "sasl_ssl",
                "my.plugin.setting", "x"));
        assertEquals(ok, ok.checked());
    }

    @Test
    void aJobConfigRejectsAnInvalidValueAtBuildTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.builder()
                .bootstrapServers("k:9092").expectedN(784).kafkaProperties(Map.of("security.protocol", "TLS")).build());
        assertTrue(e.getMessage().contains("security.protocol"), e.getMessage());
    }

    @Test
    void travelsInsideTheJobGraph() throws Exception {
        // Flink serializes the job's functions and their configuration: the properties must be serializable
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(KafkaClientProperties.of(Map.of("security.protocol", "SSL")));
        }
    }
}
