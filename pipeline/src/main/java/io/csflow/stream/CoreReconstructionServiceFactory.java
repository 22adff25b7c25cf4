package io.csflow.stream;

import io.csflow.core.operator.OperatorCache;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import io.csflow.core.solver.WarmStart;

import java.nio.file.Path;

/**
 * The production {@link ReconstructionServiceFactory}: on the task manager it loads the prior, builds the solver
 * with {@link SolverCatalog} and measurement operators through the process-wide {@link OperatorCache}, and reports
 * the prior's version as the model version (0 for the lasso baselines, which use no prior). Only the method name, the solver options (as plain values, since
 * {@link SolverOptions} is not serializable) and the prior's path travel with the job graph.
 */
public final class CoreReconstructionServiceFactory implements ReconstructionServiceFactory {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_METHOD = "auto";

    private final String method;
    private final String priorPath;
    // SolverOptions, field by field
    private final int restarts;
    private final int iterations;
    private final double learningRate;
    private final double latentPenalty;
    private final int thetaIterations;
    private final double thetaLearningRate;
    private final double weightPenalty;
    private final ThetaScope scope;
    private final int uncertaintySamples;
    private final long seed;
    private final double factorLearningRate;
    private final String warmStart;
    private final double earlyStopTolerance;
    private final int earlyStopWindow;

    /** The default method with {@link SolverOptions#defaults()} and the shipped prior ({@link Priors#DEFAULT}). */
    public CoreReconstructionServiceFactory() {
        this(DEFAULT_METHOD, SolverOptions.defaults(), Priors.DEFAULT.toString());
    }

    /**
     * @param method    one of {@link SolverCatalog#METHODS}
     * @param options   solver settings
     * @param priorPath prior snapshot file, resolved on the task manager like {@link Priors#load(Path)}
     */
    public CoreReconstructionServiceFactory(String method, SolverOptions options, String priorPath) {
        if (method == null || !SolverCatalog.METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "': expected one of "
                    + SolverCatalog.METHODS);
        }
        if (options == null) {
            throw new IllegalArgumentException("solver options are required, e.g. SolverOptions.defaults()");
        }
        if (priorPath == null || priorPath.isBlank()) {
            throw new IllegalArgumentException("prior path is required, e.g. " + Priors.DEFAULT);
        }
        this.method = method;
        this.priorPath = priorPath;
        this.restarts = options.restarts();
        this.iterations = options.iterations();
        this.learningRate = options.learningRate();
        this.latentPenalty = options.latentPenalty();
        this.thetaIterations = options.thetaIterations();
        this.thetaLearningRate = options.thetaLearningRate();
        this.weightPenalty = options.weightPenalty();
        this.scope = options.scope();
        this.uncertaintySamples = options.uncertaintySamples();
        this.seed = options.seed();
        this.factorLearningRate = options.factorLearningRate();
        this.warmStart = options.warmStart().toString();
        this.earlyStopTolerance = options.earlyStop().tolerance();
        this.earlyStopWindow = options.earlyStop().window();
    }

    public CoreReconstructionServiceFactory(String method, SolverOptions options, Path priorPath) {
        this(method, options, priorPath == null ? null : priorPath.toString());
    }

    public String method() {
        return method;
    }

    public String priorPath() {
        return priorPath;
    }

    public SolverOptions options() {
        return new SolverOptions(restarts, iterations, learningRate, latentPenalty, thetaIterations,
                thetaLearningRate, weightPenalty, scope, uncertaintySamples, seed, factorLearningRate, WarmStart.parse(warmStart),
                new EarlyStop(earlyStopTolerance, earlyStopWindow));
    }

    @Override
    public BatchReconstructionService create() {
        return create(Priors.load(Path.of(priorPath)));
    }

    /** The service around an in-memory prior (a hot-swapped model), reporting its version. */
    @Override
    public BatchReconstructionService create(VaePrior prior) {
        if (prior == null) {
            throw new IllegalArgumentException("a prior is required");
        }
        Reconstructor reconstructor = SolverCatalog.create(method, prior, options());
        OperatorCache operators = OperatorCache.shared();
        // the lasso baselines only take the image size from the prior: they report model version 0
        long version = method.startsWith("lasso") ? 0L : prior.version();
        return new BatchReconstructionService(operators::get, reconstructor, () -> version,
                System::currentTimeMillis);
    }

    @Override
    public boolean swapsPriors() {
        return true;
    }

    @Override
    public String toString() {
        return "CoreReconstructionServiceFactory[" + method + ", prior " + priorPath + ", " + options() + "]";
    }
}
