package io.csflow.cli;

import io.csflow.data.FashionMnist;
import io.csflow.stream.KafkaClientProperties;
import io.csflow.stream.Topics;
import io.csflow.tools.ProfileSpec;
import io.csflow.tools.SensorSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code csflow produce}: simulated sensors send compressed measurements of Fashion-MNIST test images to Kafka. */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Simulated sensors measure Fashion-MNIST TEST images as y = A x + noise and send Measurement records"
                    + " (Avro single-object encoding, key = sensor id) to Kafka (acks=all, idempotent producer).",
            "",
            "Profile syntax: " + ProfileSpec.SYNTAX,
            "  NAME        sensor id ([a-zA-Z0-9._-]); with sensors=N the ids are NAME-0 .. NAME-(N-1)",
            "  KIND        GAUSSIAN, RADEMACHER, SUBSAMPLED_DCT or INPAINT",
            "  M           measurements per frame (SUBSAMPLED_DCT and INPAINT need M <= 784)",
            "  NOISE       std of the additive Gaussian noise (0 = none)",
            "  rate=R      records/s per sensor; 0 (default) = as fast as possible",
            "  truthEvery=K  attach the true image and label to every K-th frame (default 1; 0 = never)",
            "  sensors=N   N sensors, each with its own operator seed SEED+i (default 1)",
            "  seed=S      operator seed (default: hash of NAME)",
            "",
            "Frame s of every sensor is test image (start-image + s) mod 10000; sequences start at 0 per sensor.",
            "Without --count or --duration it runs until Ctrl-C. Example:",
            "  csflow produce --profile cam-a:GAUSSIAN:200:0.1:rate=50:sensors=2:seed=7 \\",
            "                 --profile cam-b:SUBSAMPLED_DCT:300:0.05:truthEvery=10 --count 500",
        })
final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptionsMixin kafka = new KafkaClientOptionsMixin();

    @Option(names = "--topic", defaultValue = Topics.DEFAULT_MEASUREMENTS,
            description = "Topic to send to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--profile", required = true, paramLabel = "PROFILE",
            description = "A sensor profile (repeatable), see above.")
    List<String> profiles;

    static final class Limit {
        @Option(names = "--count", paramLabel = "N", description = "Records per sensor.")
        Long count;

        @Option(names = "--duration", paramLabel = "SECONDS", description = "Send for this many seconds.")
        Double duration;
    }

    @ArgGroup(exclusive = true)
    Limit limit;

    @Option(names = "--start-image", defaultValue = "0", paramLabel = "I",
            description = "Test image of sequence 0 (default: ${DEFAULT-VALUE}).")
    int startImage;

    @Option(names = "--seed", defaultValue = "" + SensorSimulator.DEFAULT_SEED,
            description = "Seed of the measurement noise (default: ${DEFAULT-VALUE}); operator seeds come from the"
                    + " profiles.")
    long seed;

    @Option(names = "--batch", defaultValue = "" + SensorSimulator.DEFAULT_BATCH_SIZE, paramLabel = "B",
            description = "Frames measured per batched forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--data-dir", paramLabel = "FOLDER",
            description = "Fashion-MNIST folder. Default: $" + FashionMnist.ENV_VAR + " or " + FashionMnist.DEFAULT_DIR
                    + ".")
    Path dataDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        List<ProfileSpec> parsed = profiles.stream().map(ProfileSpec::parse).toList();
        KafkaClientProperties kafkaProperties = kafka.properties(); // a typo fails before the data set loads
        if (limit != null && limit.count != null && limit.count <= 0) {
            throw new IllegalArgumentException("--count must be positive, got " + limit.count);
        }
        if (limit != null && limit.duration != null && !(limit.duration > 0)) {
            throw new IllegalArgumentException("--duration must be positive, got " + limit.duration);
        }
        FashionMnist.Dataset test = dataDir != null ? FashionMnist.load(dataDir, FashionMnist.Split.TEST)
                : FashionMnist.load(FashionMnist.Split.TEST);
        try (SensorSimulator sim = SensorSimulator.builder().bootstrapServers(bootstrapServers)
                .kafkaProperties(kafkaProperties).topic(topic)
                .profiles(parsed).images(test).startImage(startImage).seed(seed).batchSize(batch).build()) {
            out.printf("sending to %s on %s from %d sensors:%n", topic, bootstrapServers, sim.sensorIds().size());
            sim.operators().forEach((id, op) -> out.printf("  %-24s %s%n", id, op));
            out.flush();
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                sim.stop();
                try {
                    finished.await(15, TimeUnit.SECONDS); // let the run flush and print its summary
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "csflow-produce-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            SensorSimulator.Stats stats;
            try {
                if (limit != null && limit.count != null) {
                    stats = sim.run(limit.count);
                } else if (limit != null && limit.duration != null) {
                    stats = sim.run(Duration.ofMillis(Math.round(limit.duration * 1000)));
                } else {
                    stats = sim.runUntilStopped();
                }
                out.print(stats.format());
                out.flush();
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
        }
        return 0;
    }
}
