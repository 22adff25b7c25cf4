package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Turns a batch of validated Avro measurements into reconstructions with a core {@link Reconstructor}. Plain
 * Java: the Flink operator only holds one of these. Records are grouped by operator spec (each distinct spec is
 * built once through the operator factory, which may cache across batches) and handed to the reconstructor in one
 * call, grouped, so it can share the measurement products; results come back in the batch's original order.
 */
public final class BatchReconstructionService implements AutoCloseable {

    private final Function<OperatorSpec, MeasurementOperator> operators;
    private final Reconstructor reconstructor;
    private final LongSupplier modelVersion;
    private final LongSupplier clock;

    /**
     * @param operators    builds A from its spec, e.g. {@code MeasurementOperators::create} or an OperatorCache
     * @param modelVersion version of the prior the reconstructor currently uses (read per batch, so a hot-swapped
     *                     model is reported correctly); 0 for methods without a prior
     * @param clock        milliseconds for processedAtMillis
     */
    public BatchReconstructionService(Function<OperatorSpec, MeasurementOperator> operators, Reconstructor reconstructor,
                                      LongSupplier modelVersion, LongSupplier clock) {
        if (operators == null || reconstructor == null || modelVersion == null || clock == null) {
            throw new IllegalArgumentException("operators, reconstructor, modelVersion and clock are required");
        }
        this.operators = operators;
        this.reconstructor = reconstructor;
        this.modelVersion = modelVersion;
        this.clock = clock;
    }

    public BatchReconstructionService(Function<OperatorSpec, MeasurementOperator> operators, Reconstructor reconstructor,
                                      long modelVersion) {
        this(operators, reconstructor, () -> modelVersion, System::currentTimeMillis);
    }

    /** One reconstruction per measurement, in the same order. Measurements must have passed validation. */
    public List<Reconstruction> reconstruct(List<Measurement> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        long version = modelVersion.getAsLong();
        // group record indices by spec, in first-seen order
        Map<OperatorSpec, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            groups.computeIfAbsent(toCore(batch.get(i).getOperator()), s -> new ArrayList<>()).add(i);
        }
        List<Observation> observations = new ArrayList<>(batch.size());
        int[] order = new int[batch.size()];
        Map<OperatorSpec, MeasurementOperator> built = new HashMap<>();
        for (Map.Entry<OperatorSpec, List<Integer>> group : groups.entrySet()) {
            MeasurementOperator a = built.computeIfAbsent(group.getKey(), operators);
            for (int index : group.getValue()) {
                Measurement m = batch.get(index);
                order[observations.size()] = index;
                observations.add(new Observation(a, toArray(m.getY()), m.getNoiseStd()));
            }
        }
        List<Estimate> estimates = reconstructor.reconstruct(observations);
        if (estimates.size() != observations.size()) {
            throw new IllegalStateException(reconstructor.method() + " returned " + estimates.size()
                    + " estimates for " + observations.size() + " observations");
        }
        Reconstruction[] out = new Reconstruction[batch.size()];
        long now = clock.getAsLong();
        for (int k = 0; k < order.length; k++) {
            out[order[k]] = toReconstruction(batch.get(order[k]), estimates.get(k), version, now);
        }
        return List.of(out);
    }

    /** The model version the next batch will report. */
    public long modelVersion() {
        return modelVersion.getAsLong();
    }

    public String method() {
        return reconstructor.method();
    }

    @Override
    public void close() throws Exception {
        if (reconstructor instanceof AutoCloseable c) {
            c.close();
        }
    }

    private Reconstruction toReconstruction(Measurement m, Estimate e, long version, long now) {
        return Reconstruction.newBuilder()
                .setSensorId(m.getSensorId())
                .setSequence(m.getSequence())
                .setEventTimeMillis(m.getEventTimeMillis())
                .setImage(toList(e.image()))
                .setUncertainty(toList(e.uncertainty()))
                .setLatent(toList(e.latent()))
                .setRelativeResidual(e.relativeResidual())
                .setMethod(reconstructor.method())
                .setModelVersion(version)
                .setIterations(e.iterations())
                .setMse(m.getTruth() == null ? null : mse(m.getTruth(), e.image()))
                .setLabel(m.getLabel())
                .setProcessedAtMillis(now)
                .build();
    }

    static OperatorSpec toCore(io.csflow.avro.OperatorSpec s) {
        return new OperatorSpec(OperatorKind.parse(s.getKind()), s.getSeed(), s.getM(), s.getN());
    }

    static float mse(List<Float> truth, float[] image) {
        if (truth.size() != image.length) {
            throw new IllegalStateException("truth has " + truth.size() + " pixels, image " + image.length);
        }
        double sum = 0;
        for (int i = 0; i < image.length; i++) {
            double d = truth.get(i) - image[i];
            sum += d * d;
        }
        return (float) (sum / image.length);
    }

    private static float[] toArray(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    private static List<Float> toList(float[] values) {
        List<Float> l = new ArrayList<>(values == null ? 0 : values.length);
        if (values != null) {
            for (float v : values) {
                l.add(v);
            }
        }
        return l;
    }
}
