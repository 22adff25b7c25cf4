package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.stream.CoreReconstructionServiceFactory;
import io.csflow.stream.JobConfig;
import io.csflow.stream.ReconstructionJob;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Runs the reconstruction job against a Kafka cluster: on a local mini-cluster when started with
 * {@code ./csflow job}, or on a Flink cluster when the shaded jar is submitted with {@code flink run}.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = "Run the streaming reconstruction job (Kafka -> Flink -> Kafka). Locally it runs on a mini-cluster; "
                + "submitted with `flink run csflow-job.jar job ...` it runs on the cluster.")
public final class JobCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--method", defaultValue = "auto", description = "Solver: auto, csgm, csbgm, csbgm-vi, lasso-dct, ... "
            + "(default: ${DEFAULT-VALUE}).")
    String method;

    @Mixin
    SolverOptionsMixin solver;

    @Mixin
    JobOptionsMixin job;

    @Mixin
    TrainingOptionsMixin training;

    @Override
    public Integer call() throws Exception {
        int n = Priors.load(solver.prior).outputDim();
        JobConfig config = job.config(bootstrapServers, n).toBuilder()
                .training(training.config(solver.prior.toString(), solver.seed)).build();
        ReconstructionJob reconstruction = new ReconstructionJob(config,
                new CoreReconstructionServiceFactory(method, solver.options(), solver.prior.toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(reconstruction.flinkConfiguration());
        reconstruction.build(env);
        System.out.printf("csflow job: %s -> %s, method %s, batches of %d, checkpoints every %d ms, online training %s%n",
                config.topics().measurements(), config.topics().reconstructions(), method, config.maxBatchSize(),
                config.checkpointInterval().toMillis(), config.training() == null ? "off"
                        : "on (" + config.training().trainer().tasks().size() + " tasks, " + training.weighting + ")");
        env.execute(ReconstructionJob.JOB_NAME);
        return 0;
    }
}
