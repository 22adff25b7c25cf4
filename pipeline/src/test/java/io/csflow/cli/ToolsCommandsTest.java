package io.csflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.csflow.data.FashionMnist;
import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.tools.ProfileSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csflow produce / consume through the real command line against an embedded broker. */
class ToolsCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void badProfileIsAUserError() {
        MainTest.Run r = MainTest.run("produce", "--profile", "cam:GAUSS:10:0", "--count", "1");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("csflow produce: profile 'cam:GAUSS:10:0': kind: unknown operator kind"),
                r.err());
        MainTest.Run help = MainTest.run("produce", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains(ProfileSpec.SYNTAX), help.out());
        assertEquals(0, MainTest.run("consume", "--help").exit());
    }

    @Test
    void produceThenConsumeAnEmptyTopic() throws Exception {
        assumeTrue(FashionMnist.locate(FashionMnist.directory(), FashionMnist.Split.TEST.imagesFile()) != null,
                "Fashion-MNIST is not installed");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(new NewTopic("m", 1, (short) 1), new NewTopic("r", 1, (short) 1)));
            MainTest.Run r = MainTest.run("produce", "--bootstrap-servers", broker.bootstrapServers(), "--topic", "m",
                    "--profile", "a:RADEMACHER:30:0.01:sensors=2", "--profile", "b:INPAINT:100:0", "--count", "4");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("sent 12 records"), r.out());
            try (KafkaConsumer<byte[], byte[]> c = KafkaTestClients.readCommitted(broker.bootstrapServers(), "m")) {
                assertEquals(12, KafkaTestClients.pollAtLeast(c, 12, Duration.ofSeconds(20)).size());
            }
            Path out = tmp.resolve("out");
            MainTest.Run c = MainTest.run("consume", "--bootstrap-servers", broker.bootstrapServers(), "--topic", "r",
                    "--out", out.toString(), "--idle-timeout", "1", "--report-every", "0");
            assertEquals(0, c.exit(), c.err());
            assertTrue(c.out().contains("records:            0"), c.out());
            assertTrue(Files.isRegularFile(out.resolve("summary.txt")));
        }
    }
}
