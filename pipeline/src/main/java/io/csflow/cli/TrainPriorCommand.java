package io.csflow.cli;

import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.prior.VaeTrainer;
import io.csflow.data.FashionMnist;
import io.csflow.io.SnapshotFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Trains the VAE prior on Fashion-MNIST and writes it as a versioned ModelSnapshot file. */
@Command(name = "train-prior", mixinStandardHelpOptions = true,
        description = "Train the VAE prior (784-500-500-20) on Fashion-MNIST and save it as a model snapshot.")
public final class TrainPriorCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "25", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--train-images", defaultValue = "60000", description = "Use the first N training images (default: ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--classes", split = ",", description = "Train only on these class labels (0-9), e.g. 0,1,2,3,4.")
    int[] classes;

    @Option(names = "--hidden", defaultValue = "500", description = "Hidden width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--latent", defaultValue = "20", description = "Latent dimension (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--version", defaultValue = "1", description = "Model version written into the snapshot (default: ${DEFAULT-VALUE}).")
    long version;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, description = "Snapshot file to write (default: models/fmnist-vae.avro).")
    Path out = Priors.DEFAULT;

    @Override
    public Integer call() throws Exception {
        FashionMnist.Dataset train = FashionMnist.load(FashionMnist.Split.TRAIN);
        FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        if (classes != null) {
            train = train.ofClasses(classes);
            test = test.ofClasses(classes);
        }
        train = train.subset(0, Math.min(trainImages, train.size()));
        INDArray x = toMatrix(train.images());
        INDArray xTest = toMatrix(test.images());
        VaePrior vae = VaePrior.initialise(train.pixels(), hidden, latent, seed);
        VaeTrainer.Settings settings = new VaeTrainer.Settings(epochs, 100, 1e-3, seed);
        VaeTrainer trainer = new VaeTrainer(vae, settings);
        System.out.printf("training %d-%d-%d-%d VAE on %d images for %d epochs (Adam lr 1e-3, batch 100)%n",
                train.pixels(), hidden, hidden, latent, train.size(), epochs);
        long start = System.nanoTime();
        try (Progress progress = Progress.start("train-prior", (long) epochs * (train.size() / 100 * 100))) {
            trainer.train(x, progress::stepBy, r -> progress.message(String.format("epoch %d: -ELBO %.2f (%.1f s)",
                    r.epoch(), r.trainLoss(), r.seconds())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double testNelbo = VaeTrainer.negativeElbo(vae, xTest, seed);
        Map<String, String> meta = new HashMap<>();
        meta.put("dataset", "fashion-mnist");
        meta.put("trainImages", Integer.toString(train.size()));
        meta.put("classes", classes == null ? "all" : java.util.Arrays.toString(classes));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("secondsPerEpoch", String.format("%.1f", seconds / epochs));
        meta.put("testNegativeElbo", String.format("%.2f", testNelbo));
        VaePrior saved = vae.withVersion(version, meta);
        SnapshotFiles.write(saved.toSnapshot(System.currentTimeMillis()), out);
        System.out.printf("trained in %.0f s (%.1f s/epoch); test -ELBO %.2f nats/image; wrote version %d to %s%n",
                seconds, seconds / epochs, testNelbo, version, out);
        return 0;
    }

    static INDArray toMatrix(float[][] images) {
        int n = images[0].length;
        float[] flat = new float[images.length * n];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, i * n, n);
        }
        return Nd4j.create(flat, new long[]{images.length, n}, 'c');
    }
}
