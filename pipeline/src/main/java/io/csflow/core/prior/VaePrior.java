package io.csflow.core.prior;

import io.csflow.avro.LayerWeights;
import io.csflow.avro.ModelSnapshot;
import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prior of the papers' MNIST experiments: a VAE whose decoder z (20) -> 500 -> 500 -> 784 with
 * softplus hidden units and a sigmoid output is the generator, and whose encoder
 * 784 -> 500 -> 500 -> (20 mean | 20 log-variance) is kept for training and warm starts.
 */
public final class VaePrior implements GenerativePrior {

    public static final String ARCHITECTURE = "vae-mlp";

    private final long version;
    private final DenseStack encoder;
    private final DenseStack decoder;
    private final Map<String, String> metadata;

    public VaePrior(long version, DenseStack encoder, DenseStack decoder, Map<String, String> metadata) {
        if (encoder.outputSize() != 2 * decoder.inputSize()) {
            throw new IllegalArgumentException("encoder gives " + encoder.outputSize()
                    + " outputs but a latent of " + decoder.inputSize() + " needs mean and log-variance, "
                    + 2 * decoder.inputSize());
        }
        if (encoder.inputSize() != decoder.outputSize()) {
            throw new IllegalArgumentException("encoder reads " + encoder.inputSize()
                    + " pixels but the decoder writes " + decoder.outputSize());
        }
        this.version = version;
        this.encoder = encoder;
        this.decoder = decoder;
        this.metadata = Map.copyOf(metadata);
    }

    /** A freshly initialised VAE (Xavier weights) with the given layer widths. */
    public static VaePrior initialise(int pixels, int hidden, int latent, long seed) {
        DenseStack enc = DenseStack.xavier(new int[]{pixels, hidden, hidden, 2 * latent},
                Activation.SOFTPLUS, Activation.IDENTITY, seed);
        DenseStack dec = DenseStack.xavier(new int[]{latent, hidden, hidden, pixels},
                Activation.SOFTPLUS, Activation.SIGMOID, seed + 1);
        return new VaePrior(0, enc, dec, Map.of());
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public int latentDim() {
        return decoder.inputSize();
    }

    @Override
    public int outputDim() {
        return decoder.outputSize();
    }

    @Override
    public DenseStack decoder() {
        return decoder;
    }

    public DenseStack encoder() {
        return encoder;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public VaePrior withVersion(long newVersion, Map<String, String> newMetadata) {
        return new VaePrior(newVersion, encoder, decoder, newMetadata);
    }

    /** The Avro record saved to disk and published on the models topic. */
    public ModelSnapshot toSnapshot(long createdAtMillis) {
        List<LayerWeights> layers = new ArrayList<>();
        addLayers(layers, "enc", encoder);
        addLayers(layers, "dec", decoder);
        return ModelSnapshot.newBuilder()
                .setVersion(version)
                .setCreatedAtMillis(createdAtMillis)
                .setArchitecture(ARCHITECTURE)
                .setLatentDim(latentDim())
                .setOutputDim(outputDim())
                .setLayers(layers)
                .setMetadata(new HashMap<>(metadata))
                .build();
    }

    /** Rebuilds a prior from its snapshot; the message says what is missing or inconsistent. */
    public static VaePrior fromSnapshot(ModelSnapshot snapshot) {
        if (!ARCHITECTURE.equals(snapshot.getArchitecture())) {
            throw new IllegalArgumentException("model snapshot has architecture '" + snapshot.getArchitecture()
                    + "' but this build reads only '" + ARCHITECTURE + "'");
        }
        Map<String, LayerWeights> byName = new HashMap<>();
        for (LayerWeights lw : snapshot.getLayers()) {
            byName.put(lw.getName(), lw);
        }
        DenseStack enc = readStack(byName, "enc", Activation.IDENTITY);
        DenseStack dec = readStack(byName, "dec", Activation.SIGMOID);
        Map<String, String> meta = new HashMap<>();
        snapshot.getMetadata().forEach((k, v) -> meta.put(k.toString(), v.toString()));
        return new VaePrior(snapshot.getVersion(), enc, dec, meta);
    }

    private static void addLayers(List<LayerWeights> out, String prefix, DenseStack stack) {
        for (int l = 0; l < stack.layers(); l++) {
            out.add(layer(prefix + "." + l + ".W", stack.weight(l)));
            out.add(layer(prefix + "." + l + ".b", stack.bias(l)));
        }
    }

    private static LayerWeights layer(String name, INDArray t) {
        float[] values = t.dup('c').data().asFloat();
        List<Float> boxed = new ArrayList<>(values.length);
        for (float v : values) {
            boxed.add(v);
        }
        return LayerWeights.newBuilder().setName(name).setRows((int) t.rows()).setCols((int) t.columns())
                .setValues(boxed).build();
    }

    private static DenseStack readStack(Map<String, LayerWeights> byName, String prefix, Activation last) {
        List<INDArray> w = new ArrayList<>();
        List<INDArray> b = new ArrayList<>();
        for (int l = 0; byName.containsKey(prefix + "." + l + ".W"); l++) {
            w.add(tensor(byName.get(prefix + "." + l + ".W")));
            LayerWeights bias = byName.get(prefix + "." + l + ".b");
            if (bias == null) {
                throw new IllegalArgumentException("model snapshot lacks layer " + prefix + "." + l + ".b");
            }
            b.add(tensor(bias));
        }
        if (w.isEmpty()) {
            throw new IllegalArgumentException("model snapshot has no layers named " + prefix + ".0.W");
        }
        Activation[] acts = new Activation[w.size()];
        for (int l = 0; l < acts.length; l++) {
            acts[l] = l == acts.length - 1 ? last : Activation.SOFTPLUS;
        }
        return new DenseStack(w.toArray(new INDArray[0]), b.toArray(new INDArray[0]), acts);
    }

    private static INDArray tensor(LayerWeights lw) {
        List<Float> values = lw.getValues();
        if (values.size() != (long) lw.getRows() * lw.getCols()) {
            throw new IllegalArgumentException("layer " + lw.getName() + " declares " + lw.getRows() + "x"
                    + lw.getCols() + " but holds " + values.size() + " values");
        }
        float[] data = new float[values.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.get(i);
        }
        return Nd4j.create(data, new long[]{lw.getRows(), lw.getCols()}, 'c').castTo(DataType.FLOAT);
    }
}
