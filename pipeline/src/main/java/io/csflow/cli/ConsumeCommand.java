package io.csflow.cli;

import io.csflow.stream.Topics;
import io.csflow.tools.ReconstructionConsumer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code csflow consume}: reads reconstructions, writes PNGs and a latency / quality summary. */
@Command(name = "consume",
        mixinStandardHelpOptions = true,
        description = {
            "Reads Reconstruction records (isolation.level=read_committed: only committed job output), writes"
                    + " <out>/<sensor>/<sequence>.png (reconstruction | uncertainty) and prints a summary every few"
                    + " seconds and at the end (also written to <out>/summary.txt).",
            "End-to-end latency is the consumer's receive time minus eventTimeMillis; processing latency is"
                    + " processedAtMillis minus eventTimeMillis. Duplicates are records whose sensor+sequence was"
                    + " seen before in this run (should be 0).",
            "Stops after --count records, after --idle-timeout seconds without records, or on Ctrl-C. Example:",
            "  csflow consume --out target/recon --count 1000 --png-every 10",
        })
final class ConsumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptionsMixin kafka = new KafkaClientOptionsMixin();

    @Option(names = "--topic", defaultValue = Topics.DEFAULT_RECONSTRUCTIONS,
            description = "Topic to read (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--group-id", defaultValue = ReconstructionConsumer.DEFAULT_GROUP_ID,
            description = "Consumer group; a second run of a group continues where the first stopped"
                    + " (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--offset-reset", defaultValue = "earliest", paramLabel = "earliest|latest",
            description = "auto.offset.reset for a group without offsets (default: ${DEFAULT-VALUE}).")
    String offsetReset;

    @Option(names = "--out", paramLabel = "FOLDER", defaultValue = "target/consume",
            description = "Folder for the PNGs and summary.txt (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--png-every", paramLabel = "K", defaultValue = "1",
            description = "Write the PNG of every K-th record (default: ${DEFAULT-VALUE}; 0 = none).")
    int pngEvery;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N records (default: 0 = no limit).")
    long count;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Stop after this many seconds without records (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--report-every", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between live summary lines (default: ${DEFAULT-VALUE}; 0 = none).")
    double reportEvery;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        if (!(idleTimeout > 0)) {
            throw new IllegalArgumentException("--idle-timeout must be positive, got " + idleTimeout);
        }
        if (!(reportEvery >= 0)) {
            throw new IllegalArgumentException("--report-every must be >= 0, got " + reportEvery);
        }
        if (count < 0) {
            throw new IllegalArgumentException("--count must be >= 0 (0 = no limit), got " + count);
        }
        try (ReconstructionConsumer consumer = ReconstructionConsumer.builder().bootstrapServers(bootstrapServers)
                .kafkaProperties(kafka.properties())
                .topic(topic).groupId(groupId).autoOffsetReset(offsetReset).outDir(out).pngEvery(pngEvery)
                .reports(line -> {
                    pw.println(line);
                    pw.flush();
                }, Duration.ofMillis(Math.round(reportEvery * 1000))).build()) {
            pw.printf("reading %s on %s as group %s; output in %s%n", topic, bootstrapServers, groupId,
                    out.toAbsolutePath());
            pw.flush();
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                consumer.stop();
                try {
                    finished.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "csflow-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                ReconstructionConsumer.Summary summary = consumer.run(count,
                        Duration.ofMillis(Math.round(idleTimeout * 1000)));
                pw.print(summary.format());
                pw.flush();
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
