package io.csflow.cli;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.stream.CoreReconstructionServiceFactory;
import io.csflow.stream.JobConfig;
import io.csflow.stream.ReconstructionJob;
import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.stream.wire.AvroWire;
import io.csflow.tools.ProfileSpec;
import io.csflow.tools.ReconstructionConsumer;
import io.csflow.tools.SensorSimulator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Throughput of the whole pipeline (Kafka in, Flink, Kafka out) next to the bare solver at the same settings,
 * in one run and one process: what the streaming layer costs on top of the arithmetic.
 */
@Command(name = "bench-pipeline", mixinStandardHelpOptions = true,
        description = "Measure records/s through Kafka -> Flink -> Kafka (in-process broker, mini-cluster, parallelism 1) "
                + "and of the bare solver at the same settings, and print both.")
public final class BenchPipelineCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "640", description = "Records to reconstruct (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--profile", defaultValue = "bench:GAUSSIAN:200:0.05:sensors=8:truthEvery=0:seed=5",
            description = "Sensor profile of the measurements (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--method", defaultValue = "csgm", description = "Solver (default: ${DEFAULT-VALUE}).")
    String method;

    @Mixin
    SolverOptionsMixin solver = new SolverOptionsMixin();

    @Mixin
    JobOptionsMixin job = JobOptionsMixin.bench();

    @Override
    public Integer call() throws Exception {
        ProfileSpec spec = ProfileSpec.parse(profile);
        VaePrior prior = Priors.load(solver.prior);
        int perSensor = Math.max(1, records / spec.sensors());
        int total = perSensor * spec.sensors();
        int batch = job.batchSize;
        Reconstructor reconstructor = SolverCatalog.create(method, prior, solver.options());

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobConfig config = job.config(broker.bootstrapServers(), prior.outputDim());
            broker.createTopics(config.topics(), 1);
            try (SensorSimulator sensors = SensorSimulator.builder().bootstrapServers(broker.bootstrapServers())
                    .topic(config.topics().measurements()).profile(spec).build()) {
                sensors.run(perSensor);
            }
            // the bare solver gets exactly the job's input, in topic order, so its batches mix the same operators
            List<Observation> input = readMeasurements(broker.bootstrapServers(), config.topics().measurements(), total);
            double bare = bareSolver(reconstructor, input, batch);
            System.out.printf("bare solver:   %d records, batches of %d: %.2f records/s%n", total, batch, bare);

            ReconstructionJob reconstruction = new ReconstructionJob(config,
                    new CoreReconstructionServiceFactory(method, solver.options(), solver.prior.toString()));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(reconstruction.flinkConfiguration());
            long submitted = System.nanoTime();
            JobClient client = reconstruction.executeAsync(env);
            long[] processedAt = readProcessedTimes(broker.bootstrapServers(), config.topics().reconstructions(), total);
            double wall = (System.nanoTime() - submitted) / 1e9;
            client.cancel().get();
            // steady state: from the first batch's completion to the last's, i.e. records after the first batch
            double steadySeconds = (processedAt[processedAt.length - 1] - processedAt[0]) / 1000.0;
            long firstBatch = java.util.Arrays.stream(processedAt).filter(t -> t == processedAt[0]).count();
            double steady = (total - firstBatch) / steadySeconds;
            System.out.printf("pipeline:      %d records: %.2f records/s steady state (%.1f s between first and last batch), "
                    + "%.2f records/s including job start and the last checkpoint (%.1f s)%n", total, steady, steadySeconds,
                    total / wall, wall);
            double bareAfter = bareSolver(reconstructor, input, batch);
            System.out.printf("bare solver, again after the pipeline: %.2f records/s%n", bareAfter);
            System.out.printf("pipeline / bare solver: %.1f%% (steady state against the faster bare run)%n",
                    100 * steady / Math.max(bare, bareAfter));
        }
        return 0;
    }

    /** The measurements on the topic, in order, as the core's observations. */
    private static List<Observation> readMeasurements(String bootstrap, String topic, int expected) throws Exception {
        AvroWire<Measurement> wire = AvroWire.measurements();
        OperatorCache cache = new OperatorCache(256);
        List<Observation> out = new ArrayList<>();
        for (byte[] value : readValues(bootstrap, topic, expected)) {
            Measurement m = wire.decode(value);
            var op = m.getOperator();
            MeasurementOperator a = cache.get(OperatorSpec.of(op.getKind(), op.getSeed(), op.getM(), op.getN()));
            float[] y = new float[m.getY().size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = m.getY().get(i);
            }
            out.add(new Observation(a, y, m.getNoiseStd()));
        }
        return out;
    }

    /** Records/s of the reconstructor alone, batch by batch, after one batch to warm up the JIT and ND4J. */
    private static double bareSolver(Reconstructor reconstructor, List<Observation> input, int batch) {
        reconstructor.reconstruct(input.subList(0, Math.min(input.size(), batch)));
        long start = System.nanoTime();
        for (int from = 0; from < input.size(); from += batch) {
            reconstructor.reconstruct(input.subList(from, Math.min(input.size(), from + batch)));
        }
        return input.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static long[] readProcessedTimes(String bootstrap, String topic, int expected) throws Exception {
        AvroWire<Reconstruction> wire = AvroWire.reconstructions();
        long[] times = new long[expected];
        int i = 0;
        for (byte[] value : readValues(bootstrap, topic, expected)) {
            times[i++] = wire.decode(value).getProcessedAtMillis();
        }
        java.util.Arrays.sort(times);
        return times;
    }

    /** The first {@code expected} values of a topic (read_committed), waiting up to 30 minutes for them. */
    private static List<byte[]> readValues(String bootstrap, String topic, int expected) {
        Map<String, Object> props = ReconstructionConsumer.consumerConfig(bootstrap, "bench-" + System.nanoTime(), "earliest");
        List<byte[]> values = new ArrayList<>(expected);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (values.size() < expected) {
                        values.add(r.value());
                    }
                }
            }
        }
        if (values.size() < expected) {
            throw new IllegalStateException("only " + values.size() + " of " + expected + " records arrived on " + topic
                    + " in 30 minutes");
        }
        return values;
    }
}
