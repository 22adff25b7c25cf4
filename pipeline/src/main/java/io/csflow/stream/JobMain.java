package io.csflow.stream;

import io.csflow.core.prior.Priors;
import io.csflow.core.solver.SolverOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.time.Duration;

/**
 * Command line entry point: {@code --bootstrap-servers host:9092 [--service-factory com.example.MyFactory |
 * --method csbgm --prior models/fmnist-vae.avro] [--expected-n 784] [--max-m N] [--max-n N] [--parallelism P] [--buckets-per-instance K] [--batch-size B]
 * [--batch-wait-ms T] [--checkpoint-interval-ms I] [--state-backend hashmap|rocksdb] [--checkpoint-dir URI]
 * [--transactional-id-prefix P] [--group-id G] [--topic-prefix X]}. The service factory class needs a public
 * no-argument constructor; it is how the numerical core (operators, prior, solver) is plugged in. Without it the
 * job uses {@link CoreReconstructionServiceFactory} with {@code --method} (default
 * {@value CoreReconstructionServiceFactory#DEFAULT_METHOD}), the default solver options and {@code --prior}.
 */
public final class JobMain {

    private JobMain() {
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        JobConfig.Builder b = JobConfig.builder().bootstrapServers(p.getRequired("bootstrap-servers"));
        JobConfig defaults = JobConfig.builder().bootstrapServers("unused:1").build();
        b.expectedN(p.getInt("expected-n", defaults.expectedN()))
                .maxM(p.getInt("max-m", defaults.maxM()))
                .maxN(p.getInt("max-n", defaults.maxN()))
                .parallelism(p.getInt("parallelism", 0))
                .bucketsPerInstance(p.getInt("buckets-per-instance", defaults.bucketsPerInstance()))
                .maxBatchSize(p.getInt("batch-size", defaults.maxBatchSize()))
                .maxBatchWait(Duration.ofMillis(p.getLong("batch-wait-ms", defaults.maxBatchWait().toMillis())))
                .checkpointInterval(Duration.ofMillis(p.getLong("checkpoint-interval-ms",
                        defaults.checkpointInterval().toMillis())))
                .stateBackend(p.get("state-backend", defaults.stateBackend()))
                .checkpointDir(p.get("checkpoint-dir", null))
                .transactionalIdPrefix(p.get("transactional-id-prefix", defaults.transactionalIdPrefix()))
                .groupId(p.get("group-id", defaults.groupId()))
                .topics(Topics.defaults().withPrefix(p.get("topic-prefix", "")));
        JobConfig config = b.build();
        ReconstructionServiceFactory factory = p.has("service-factory") ? loadFactory(p.get("service-factory"))
                : new CoreReconstructionServiceFactory(p.get("method", CoreReconstructionServiceFactory.DEFAULT_METHOD),
                        SolverOptions.defaults(), p.get("prior", Priors.DEFAULT.toString()));
        ReconstructionJob job = new ReconstructionJob(config, factory);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration());
        job.build(env);
        env.execute(ReconstructionJob.JOB_NAME);
    }

    static ReconstructionServiceFactory loadFactory(String className) {
        try {
            Object o = Class.forName(className).getDeclaredConstructor().newInstance();
            if (!(o instanceof ReconstructionServiceFactory f)) {
                throw new IllegalArgumentException("--service-factory " + className + " does not implement "
                        + ReconstructionServiceFactory.class.getName());
            }
            return f;
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--service-factory " + className
                    + ": cannot instantiate (needs a public no-argument constructor): " + e, e);
        }
    }
}
