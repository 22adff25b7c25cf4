package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The solver's settings as command-line options, shared by every command that reconstructs. */
public final class SolverOptionsMixin {

    private static final SolverOptions D = SolverOptions.defaults();

    @Option(names = "--restarts", description = "Random restarts of the z stage (default: ${DEFAULT-VALUE}).")
    int restarts = D.restarts();

    @Option(names = "--iterations", description = "Adam iterations of the z stage (default: ${DEFAULT-VALUE}).")
    int iterations = D.iterations();

    @Option(names = "--lr", description = "Adam step of the z stage (default: ${DEFAULT-VALUE}).")
    double learningRate = D.learningRate();

    @Option(names = "--lz", description = "Latent penalty lz (default: ${DEFAULT-VALUE}).")
    double latentPenalty = D.latentPenalty();

    @Option(names = "--theta-iterations", description = "Adam iterations of the theta stage (default: ${DEFAULT-VALUE}).")
    int thetaIterations = D.thetaIterations();

    @Option(names = "--theta-lr", description = "Adam step of the theta stage on the weights, scopes RECORD and BATCH "
            + "(default: ${DEFAULT-VALUE}).")
    double thetaLearningRate = D.thetaLearningRate();

    @Option(names = "--lt", description = "Weight penalty lt of the theta stage; also sets the prior variance behind "
            + "the uncertainty (default: ${DEFAULT-VALUE}).")
    double weightPenalty = D.weightPenalty();

    @Option(names = "--scope", description = "Theta scope: LOWRANK (one rank-2 change of the weights per record, "
            + "all records solved together), RECORD (one full copy of the weights per record) or BATCH (one per batch) "
            + "(default: ${DEFAULT-VALUE}).")
    ThetaScope scope = D.scope();

    @Option(names = "--factor-lr", description = "Adam step of the low-rank factors, scope LOWRANK "
            + "(default: ${DEFAULT-VALUE}).")
    double factorLearningRate = D.factorLearningRate();

    @Option(names = "--samples", description = "Posterior samples behind the uncertainty map (default: ${DEFAULT-VALUE}).")
    int samples = D.uncertaintySamples();

    @Option(names = "--seed", description = "Seed of the random restarts (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--prior", description = "Prior snapshot file (default: ${DEFAULT-VALUE}).")
    Path prior = Priors.DEFAULT;

    /**
     * Settings that keep an interactive run short: one restart, 300 + 100 iterations, one theta per batch.
     * They cost about a tenth of the defaults and lose some quality (README, "Evaluation").
     */
    public static SolverOptionsMixin quick() {
        SolverOptionsMixin m = new SolverOptionsMixin();
        m.restarts = 1;
        m.iterations = 300;
        m.thetaIterations = 100;
        m.thetaLearningRate = 1e-3;
        m.scope = ThetaScope.BATCH;
        m.samples = 8;
        return m;
    }

    /** The options as the core's checked value; the message names a bad one. */
    public SolverOptions options() {
        return new SolverOptions(restarts, iterations, learningRate, latentPenalty, thetaIterations,
                thetaLearningRate, weightPenalty, scope, samples, seed, factorLearningRate);
    }
}
