package io.csflow.core.prior;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Trains a {@link VaePrior} by maximising the ELBO: Bernoulli cross-entropy of the pixels plus the
 * KL divergence of N(mu, diag(exp(logvar))) to N(0, I), reparameterised, with Adam (the papers' setup:
 * lr 1e-3, batch 100).
 */
public final class VaeTrainer {

    /** Training settings, checked when built. */
    public record Settings(int epochs, int batchSize, double learningRate, long seed) {
        public Settings {
            if (epochs <= 0) {
                throw new IllegalArgumentException("epochs must be positive, got " + epochs);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
            }
        }

        public static Settings papers(int epochs) {
            return new Settings(epochs, 100, 1e-3, 1234);
        }
    }

    /** What one epoch achieved. */
    public record EpochReport(int epoch, double trainLoss, double seconds) {
    }

    private final VaePrior vae;
    private final Settings settings;
    private final DenseStack encGrads;
    private final DenseStack decGrads;
    private final Adam adam;
    private final StackPass encPass;
    private final StackPass decPass;
    private final int latent;

    public VaeTrainer(VaePrior vae, Settings settings) {
        this.vae = vae;
        this.settings = settings;
        this.encGrads = vae.encoder().zerosLike();
        this.decGrads = vae.decoder().zerosLike();
        List<INDArray> params = new ArrayList<>(vae.encoder().tensors());
        params.addAll(vae.decoder().tensors());
        this.adam = Adam.withDefaults(params, settings.learningRate());
        this.encPass = new StackPass(vae.encoder(), settings.batchSize());
        this.decPass = new StackPass(vae.decoder(), settings.batchSize());
        this.latent = vae.latentDim();
    }

    /**
     * Runs the configured epochs over {@code images} (N x n, values in [0,1]).
     *
     * @param onBatch called after every mini-batch with the number of images it held (for progress bars)
     */
    public List<EpochReport> train(INDArray images, IntConsumer onBatch, java.util.function.Consumer<EpochReport> onEpoch) {
        int count = (int) images.rows();
        int batch = settings.batchSize();
        if (count < batch) {
            throw new IllegalArgumentException("need at least one batch of " + batch + " images, got " + count);
        }
        Random shuffler = new Random(settings.seed());
        Nd4j.getRandom().setSeed(settings.seed());
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            long start = System.nanoTime();
            shuffle(order, shuffler);
            double lossSum = 0;
            int batches = count / batch;
            for (int b = 0; b < batches; b++) {
                int[] idx = java.util.Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
                INDArray x = Nd4j.pullRows(images, 1, idx);
                lossSum += step(x);
                onBatch.accept(batch);
            }
            EpochReport report = new EpochReport(epoch, lossSum / batches, (System.nanoTime() - start) / 1e9);
            reports.add(report);
            onEpoch.accept(report);
        }
        return reports;
    }

    /** One Adam step on a mini-batch; returns the batch's mean negative ELBO (nats per image). */
    double step(INDArray x) {
        int batch = (int) x.rows();
        INDArray h = encPass.forward(vae.encoder(), x);
        INDArray mu = h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent));
        INDArray logvar = h.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent));
        INDArray eps = Nd4j.randn(DataType.FLOAT, batch, latent);
        INDArray std = Transforms.exp(logvar.mul(0.5), false);
        INDArray z = std.mul(eps).addi(mu);

        decPass.forward(vae.decoder(), z);
        INDArray logits = decPass.outputPreActivation();
        // -log p(x|z) = sum softplus(a) - x a, computed from the logits for stability
        double recon = Transforms.softPlus(logits, true).subi(logits.mul(x)).sumNumber().doubleValue();
        double kl = -0.5 * logvar.add(1).subi(mu.mul(mu)).subi(std.mul(std)).sumNumber().doubleValue();

        // d/dlogits of the mean loss: (sigmoid(a) - x) / B
        decPass.outputPreActivationGradient().assign(decPass.output()).subi(x).divi(batch);
        INDArray dz = decPass.backwardFromPreActivation(vae.decoder(), z, decGrads);

        INDArray dH = encPass.outputGradient();
        INDArray dMu = dH.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent));
        INDArray dLogvar = dH.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent));
        dMu.assign(mu).divi(batch).addi(dz);
        // d/dlogvar: through z = mu + exp(logvar/2) eps, and KL's 0.5 (exp(logvar) - 1)
        dLogvar.assign(dz.mul(eps).muli(std).muli(0.5)).addi(std.mul(std).subi(1).muli(0.5 / batch));
        encPass.backward(vae.encoder(), x, encGrads);

        List<INDArray> grads = new ArrayList<>(encGrads.tensors());
        grads.addAll(decGrads.tensors());
        adam.step(grads);
        return (recon + kl) / batch;
    }

    /**
     * Mean negative ELBO (nats per image) of {@code images} with one posterior sample per image;
     * lower is better. The papers report the same quantity for their MNIST VAE.
     */
    public static double negativeElbo(VaePrior vae, INDArray images, long seed) {
        int count = (int) images.rows();
        int chunk = Math.min(1000, count);
        StackPass enc = new StackPass(vae.encoder(), chunk);
        StackPass dec = new StackPass(vae.decoder(), chunk);
        Nd4j.getRandom().setSeed(seed);
        int latent = vae.latentDim();
        double total = 0;
        int done = 0;
        for (int from = 0; from + chunk <= count; from += chunk) {
            INDArray x = images.get(NDArrayIndex.interval(from, from + chunk), NDArrayIndex.all());
            INDArray h = enc.forward(vae.encoder(), x);
            INDArray mu = h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent));
            INDArray logvar = h.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent));
            INDArray std = Transforms.exp(logvar.mul(0.5), true);
            INDArray z = Nd4j.randn(DataType.FLOAT, chunk, latent).muli(std).addi(mu);
            dec.forward(vae.decoder(), z);
            INDArray logits = dec.outputPreActivation();
            total += Transforms.softPlus(logits, true).subi(logits.mul(x)).sumNumber().doubleValue();
            total += -0.5 * logvar.add(1).subi(mu.mul(mu)).subi(std.mul(std)).sumNumber().doubleValue();
            done += chunk;
        }
        return total / done;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
