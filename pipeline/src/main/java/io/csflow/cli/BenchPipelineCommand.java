package io.csflow.cli;

import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.data.FashionMnist;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    SolverOptionsMixin solver = SolverOptionsMixin.quick();

    @Mixin
    JobOptionsMixin job = JobOptionsMixin.bench();

    @Override
    public Integer call() throws Exception {
        ProfileSpec spec = ProfileSpec.parse(profile);
        VaePrior prior = Priors.load(solver.prior);
        int perSensor = Math.max(1, records / spec.sensors());
        int total = perSensor * spec.sensors();
        int batch = job.batchSize;

        double bare = bareSolver(spec, prior, perSensor, batch);
        System.out.printf("bare solver:   %d records, batches of %d: %.2f records/s%n", total, batch, bare);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobConfig config = job.config(broker.bootstrapServers(), prior.outputDim());
            broker.createTopics(config.topics(), 1);
            try (SensorSimulator sensors = SensorSimulator.builder().bootstrapServers(broker.bootstrapServers())
                    .topic(config.topics().measurements()).profile(spec).build()) {
                sensors.run(perSensor);
            }
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
            System.out.printf("pipeline / bare solver: %.1f%% (steady state)%n", 100 * steady / bare);
        }
        return 0;
    }

    /** The same kind of records through the reconstructor alone, batch by batch. */
    private double bareSolver(ProfileSpec spec, VaePrior prior, int perSensor, int batch) throws Exception {
        FashionMnist.Dataset images = FashionMnist.load(FashionMnist.Split.TEST);
        OperatorCache cache = new OperatorCache(64);
        Random noise = new Random(1);
        List<Observation> all = new ArrayList<>();
        for (int s = 0; s < spec.sensors(); s++) {
            MeasurementOperator op = cache.get(spec.operator(s, prior.outputDim()));
            for (int f = 0; f < perSensor; f++) {
                float[] x = images.images()[f % images.size()];
                INDArray y = Nd4j.create(DataType.FLOAT, 1, op.m());
                op.forward(Nd4j.create(x, new long[]{1, x.length}, 'c'), y);
                float[] yv = y.toFloatVector();
                for (int j = 0; j < yv.length; j++) {
                    yv[j] += (float) (spec.noiseStd() * noise.nextGaussian());
                }
                all.add(new Observation(op, yv, spec.noiseStd()));
            }
        }
        // interleave sensors as the stream does, so bare batches mix operators like the job's
        List<Observation> mixed = new ArrayList<>(all.size());
        for (int f = 0; f < perSensor; f++) {
            for (int s = 0; s < spec.sensors(); s++) {
                mixed.add(all.get(s * perSensor + f));
            }
        }
        Reconstructor reconstructor = SolverCatalog.create(method, prior, solver.options());
        // one batch to warm up the JIT and ND4J, as the pipeline's first batch (left out of its steady state) does
        reconstructor.reconstruct(mixed.subList(0, Math.min(mixed.size(), batch)));
        long start = System.nanoTime();
        for (int from = 0; from < mixed.size(); from += batch) {
            reconstructor.reconstruct(mixed.subList(from, Math.min(mixed.size(), from + batch)));
        }
        return mixed.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static long[] readProcessedTimes(String bootstrap, String topic, int expected)
            throws io.csflow.stream.wire.WireException {
        Map<String, Object> props = ReconstructionConsumer.consumerConfig(bootstrap, "bench-" + System.nanoTime(), "earliest");
        long[] times = new long[expected];
        int seen = 0;
        AvroWire<Reconstruction> wire = AvroWire.reconstructions();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (seen < expected) {
                        times[seen++] = wire.decode(r.value()).getProcessedAtMillis();
                    }
                }
            }
        }
        if (seen < expected) {
            throw new IllegalStateException("only " + seen + " of " + expected + " reconstructions arrived in 30 minutes");
        }
        java.util.Arrays.sort(times);
        return times;
    }
}
