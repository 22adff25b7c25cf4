package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.LatentSettings;
import io.csflow.data.FashionMnist;
import io.csflow.eval.DriftExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The online-adaptation drift experiment, offline (no Kafka/Flink): see {@link DriftExperiment}. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Offline drift experiment: a prior trained on 5 Fashion-MNIST classes adapts online (OnlineTrainer)"
                + " to the other 5 classes seen by two sensor groups; compares none / linear / mgda / nash-mtl, each"
                + " without and with Anti-PGD, by held-out per-group and worst-group MSE over time.")
public final class DriftCommand implements Callable<Integer> {

    @Option(names = "--prior", defaultValue = "models/fmnist-vae-5cls.avro",
            description = "Prior trained on the old classes; trained first (train-prior --classes 0,1,2,3,4 --epochs 5"
                    + " --train-images 30000) when missing (default: ${DEFAULT-VALUE}).")
    Path prior;

    @Option(names = "--old-classes", split = ",", defaultValue = "0,1,2,3,4", description = "Classes of the prior (default: ${DEFAULT-VALUE}).")
    int[] oldClasses;

    @Option(names = "--new-classes", split = ",", defaultValue = "5,6,7,8,9", description = "Classes of the stream (default: ${DEFAULT-VALUE}).")
    int[] newClasses;

    @Option(names = "--frames", defaultValue = "200", description = "Training frames per group (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--holdout", defaultValue = "32", description = "Held-out images per group (default: ${DEFAULT-VALUE}).")
    int holdout;

    @Option(names = "--steps", defaultValue = "60", description = "Trainer steps per config (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eval-every", defaultValue = "10", description = "Evaluate every N steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--batch", defaultValue = "8", description = "Mini-batch per task (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--publish-every", defaultValue = "10", description = "Candidate every N steps (default: ${DEFAULT-VALUE}).")
    int publishEvery;

    @Option(names = "--lr", defaultValue = "3e-5", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--anti-pgd", defaultValue = "1e-4", description = "Anti-PGD noise s of the +apgd configs (default: ${DEFAULT-VALUE}).")
    double antiPgd;

    @Option(names = "--guard-margin", defaultValue = "0.05", description = "Guard margin (default: ${DEFAULT-VALUE}).")
    double guardMargin;

    @Option(names = "--max-grad-norm", defaultValue = "10", description = "Clip the direction (0 = off; default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--capacity", defaultValue = "256", description = "Task buffer capacity (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--coarse", defaultValue = "GAUSSIAN,50,0.1,11",
            description = "Coarse group: kind,m,noise,operatorSeed (default: ${DEFAULT-VALUE}).")
    String coarse;

    @Option(names = "--fine", defaultValue = "SUBSAMPLED_DCT,300,0.01,22",
            description = "Fine group: kind,m,noise,operatorSeed (default: ${DEFAULT-VALUE}).")
    String fine;

    @Option(names = "--stream-iterations", defaultValue = "200", description = "CSGM iterations for stream latents (default: ${DEFAULT-VALUE}).")
    int streamIterations;

    @Option(names = "--eval-iterations", defaultValue = "200", description = "CSGM iterations for evaluation (default: ${DEFAULT-VALUE}).")
    int evalIterations;

    @Option(names = "--eval-restarts", defaultValue = "1", description = "CSGM restarts for evaluation (default: ${DEFAULT-VALUE}).")
    int evalRestarts;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of noise, trainer and solvers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Tiny smoke run: freshly initialised small prior, 16 frames, 2 steps.")
    boolean quick;

    @Option(names = {"-o", "--out"}, defaultValue = "out/drift", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        VaePrior base;
        if (quick) {
            base = VaePrior.initialise(FashionMnist.PIXELS, 32, 8, seed);
            frames = 16;
            holdout = 4;
            steps = 2;
            evalEvery = 1;
            batch = 4;
            publishEvery = 1;
            streamIterations = 5;
            evalIterations = 5;
            evalRestarts = 1;
            System.out.println("quick mode: freshly initialised 784-32-32-8 prior, 16 frames, 4 held out, 2 steps");
        } else {
            Path file = Priors.resolve(prior);
            if (!Files.exists(file)) {
                System.out.println("prior " + prior + " is missing: training it first (train-prior --classes "
                        + join(oldClasses) + " --epochs 5 --train-images 30000)");
                int rc = new CommandLine(new TrainPriorCommand()).execute("--classes", join(oldClasses),
                        "--epochs", "5", "--train-images", "30000", "--out", prior.toString());
                if (rc != 0) {
                    throw new IllegalStateException("training the prior failed (exit code " + rc + ")");
                }
                file = prior;
            }
            base = Priors.load(file);
        }
        DriftExperiment.Settings settings = new DriftExperiment.Settings(
                List.of(group("coarse", coarse), group("fine", fine)), newClasses, frames, holdout, steps, evalEvery,
                batch, publishEvery, lr, antiPgd, guardMargin, maxGradNorm, capacity, 4,
                new LatentSettings(streamIterations, 0.1, 0.1, 1, seed),
                new LatentSettings(evalIterations, 0.1, 0.1, evalRestarts, seed + 1), seed, null);
        DriftExperiment exp = new DriftExperiment(base, settings);
        exp.prepare(FashionMnist.load(FashionMnist.Split.TEST));
        System.out.printf(Locale.ROOT, "stream latents: %d frames per group in %.1f s%n", frames, exp.streamSeconds());
        List<DriftExperiment.RunResult> results = exp.runAll(out, System.out::println);
        System.out.println();
        System.out.print(exp.markdown(results));
        System.out.printf(Locale.ROOT, "%nwrote %s/{drift.md, drift.csv, drift-curves.csv, drift-worst.png} in %.0f s%n",
                out, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static DriftExperiment.Group group(String name, String spec) {
        String[] p = spec.split(",");
        if (p.length != 4) {
            throw new IllegalArgumentException("--" + name + " takes kind,m,noise,operatorSeed, got '" + spec + "'");
        }
        return new DriftExperiment.Group(name, p[0].trim(), Integer.parseInt(p[1].trim()),
                Float.parseFloat(p[2].trim()), Long.parseLong(p[3].trim()));
    }

    private static String join(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int v : a) {
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        }
        return sb.toString();
    }
}
