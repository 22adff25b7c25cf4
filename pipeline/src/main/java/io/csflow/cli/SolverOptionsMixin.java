package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import io.csflow.core.solver.WarmStart;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The solver's settings as command-line options, shared by every command that reconstructs. */
public final class SolverOptionsMixin {

    private static final SolverOptions D = SolverOptions.defaults();

    @Option(names = "--restarts", description = "Random restarts of the z stage (default: ${DEFAULT-VALUE}).")
    int restarts = D.restarts();

    @Option(names = "--iterations", description = "Adam iterations of the z stage (default: ${DEFAULT-VALUE}).")
    int iterations = D.iterations();

    @Option(names = "--warm-start", description = "Where the z stage starts: random (z ~ N(0, I), the papers), "
            + "bank[:K] (the best of K fixed latents decoded once per model, scored in measurement space) or "
            + "encoder (the VAE encoder of the back-projection A^T y / n) (default: ${DEFAULT-VALUE}).")
    String warmStart = D.warmStart().toString();

    @Option(names = "--early-stop-tol", description = "A z-stage start stops when its loss improved by less than this "
            + "fraction over the last window; 0 runs every iteration (default: ${DEFAULT-VALUE}).")
    double earlyStopTolerance = D.earlyStop().tolerance();

    @Option(names = "--early-stop-window", description = "Iterations between early-stop checks "
            + "(default: ${DEFAULT-VALUE}).")
    int earlyStopWindow = D.earlyStop().window();

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

    /** The early-stop setting, with the option names in the message when one is out of range. */
    static EarlyStop earlyStop(double tolerance, int window) {
        try {
            return new EarlyStop(tolerance, window);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--early-stop-tol / --early-stop-window: " + e.getMessage(), e);
        }
    }

    /** The options as the core's checked value; the message names a bad one. */
    public SolverOptions options() {
        return new SolverOptions(restarts, iterations, learningRate, latentPenalty, thetaIterations,
                thetaLearningRate, weightPenalty, scope, samples, seed, factorLearningRate, WarmStart.parse(warmStart),
                earlyStop(earlyStopTolerance, earlyStopWindow));
    }
}
