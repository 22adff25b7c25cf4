package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.CoreReconstructionServiceFactory;
import io.csflow.stream.JobConfig;
import io.csflow.stream.ReconstructionJob;
import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.tools.ProfileSpec;
import io.csflow.tools.ReconstructionConsumer;
import io.csflow.tools.SensorSimulator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Everything in one process: a real Kafka broker (KRaft, in-process), the reconstruction job on a Flink
 * mini-cluster, simulated sensors and a consumer that writes PNGs and a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole system in one process: an in-process Kafka broker, the Flink job on a local "
                + "mini-cluster, simulated sensors (Fashion-MNIST test images) and a consumer writing PNGs and a summary.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--profile", description = "Sensor profile, as for `csflow produce` (repeatable; default: "
            + "two fleets of 2 sensors, GAUSSIAN m=200 and SUBSAMPLED_DCT m=300, noise 0.05, truth on every frame).")
    List<String> profiles = new ArrayList<>(List.of(
            "cam-gauss:GAUSSIAN:200:0.05:sensors=2:truthEvery=1:seed=11",
            "cam-dct:SUBSAMPLED_DCT:300:0.05:sensors=2:truthEvery=1:seed=21"));

    @Option(names = "--frames", defaultValue = "32", description = "Frames each sensor sends (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--method", defaultValue = "csbgm", description = "Solver (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = {"-o", "--out"}, defaultValue = "out/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--timeout", defaultValue = "600", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    SolverOptionsMixin solver = new SolverOptionsMixin();

    @Mixin
    JobOptionsMixin job = JobOptionsMixin.demo();

    @Mixin
    TrainingOptionsMixin training = new TrainingOptionsMixin();

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        List<ProfileSpec> specs = profiles.stream().map(ProfileSpec::parse).toList();
        VaePrior prior = ensurePrior(solver.prior);
        Files.createDirectories(out);
        say("starting an in-process Kafka broker (KRaft)");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobConfig config = job.config(broker.bootstrapServers(), prior.outputDim());
            if (!training.tasks.isEmpty()) {
                // the trainer's state (~10 MB) needs file checkpoints
                JobConfig.Builder b = config.toBuilder().training(training.config(solver.prior.toString(), solver.seed));
                if (config.checkpointDir() == null) {
                    b.checkpointDir(out.toAbsolutePath().resolve("checkpoints").toUri().toString());
                }
                config = b.build();
            }
            broker.createTopics(config.topics(), 2);
            say("broker at " + broker.bootstrapServers() + ", topics " + config.topics().all());
            ReconstructionJob reconstruction = new ReconstructionJob(config,
                    new CoreReconstructionServiceFactory(method, solver.options(), solver.prior.toString()));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(reconstruction.flinkConfiguration());
            JobClient client = reconstruction.executeAsync(env);
            say("Flink job " + client.getJobID() + " running on a local mini-cluster (method " + method
                    + ", batches of " + config.maxBatchSize() + ", checkpoints every " + config.checkpointInterval().toMillis() + " ms)");
            try (SensorSimulator sensors = SensorSimulator.builder().bootstrapServers(broker.bootstrapServers())
                    .topic(config.topics().measurements()).profiles(specs).build();
                 ReconstructionConsumer consumer = ReconstructionConsumer.builder()
                         .bootstrapServers(broker.bootstrapServers()).topic(config.topics().reconstructions())
                         .freshGroupId().outDir(out).reports(line -> say(line), Duration.ofSeconds(10)).build()) {
                long expected = (long) frames * sensors.sensorIds().size();
                say("simulating " + sensors.sensorIds().size() + " sensors x " + frames + " frames = " + expected + " records");
                CompletableFuture<SensorSimulator.Stats> sent = CompletableFuture.supplyAsync(() -> sensors.run(frames));
                ReconstructionConsumer.Summary summary = consumer.run(expected, Duration.ofSeconds(timeoutSeconds));
                say("sensors: " + sent.join().format());
                client.cancel().get();
                System.out.println();
                System.out.println(summary.format());
                System.out.printf("%ncsflow demo: %d of %d records reconstructed in %.0f s; PNGs and summary.txt in %s%n",
                        summary.records(), expected, (System.nanoTime() - start) / 1e9, out.toAbsolutePath());
                return summary.records() == expected && summary.duplicates() == 0 ? 0 : 1;
            }
        }
    }

    /** Loads the prior, or trains a small one first when none is there (a few minutes on two cores). */
    private static VaePrior ensurePrior(Path file) throws Exception {
        Path resolved = Priors.resolve(file);
        if (Files.exists(resolved)) {
            return Priors.load(resolved);
        }
        say("no prior at " + file + ": training a small one first (5 epochs on 20000 images; `csflow train-prior` trains the full one)");
        int status = new picocli.CommandLine(new TrainPriorCommand())
                .execute("--epochs", "5", "--train-images", "20000", "--out", file.toString());
        if (status != 0) {
            throw new IllegalStateException("training the demo's prior failed; run `./csflow train-prior` to see why");
        }
        return Priors.load(file);
    }

    private static void say(String line) {
        System.out.println("demo: " + line);
    }
}
