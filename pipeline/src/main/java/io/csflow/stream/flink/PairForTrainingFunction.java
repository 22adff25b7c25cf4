package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each reconstruction with its measurement (key sensorId/sequence): whichever arrives first waits in
 * keyed state, with a processing-time timer that drops it if the other never comes. Emits a
 * {@link TrainingRecord} only for reconstructions that used the prior (non-empty latent).
 */
public final class PairForTrainingFunction
        extends KeyedCoProcessFunction<String, Measurement, Reconstruction, TrainingRecord> {

    private static final long serialVersionUID = 1L;

    private final long timeoutMillis;
    private transient ValueState<Measurement> measurement;
    private transient ValueState<Reconstruction> reconstruction;
    private transient ValueState<Long> timer;
    private transient Counter paired;
    private transient Counter expired;
    private transient Counter withoutPrior;

    public PairForTrainingFunction(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("pair timeout must be positive, got " + timeoutMillis + " ms");
        }
        this.timeoutMillis = timeoutMillis;
    }

    public static String key(String sensorId, long sequence) {
        return sensorId + "/" + sequence;
    }

    public static KeySelector<Measurement, String> measurementKey() {
        return m -> key(m.getSensorId(), m.getSequence());
    }

    public static KeySelector<Reconstruction, String> reconstructionKey() {
        return r -> key(r.getSensorId(), r.getSequence());
    }

    @Override
    public void open(OpenContext context) {
        measurement = getRuntimeContext().getState(new ValueStateDescriptor<>("measurement", AvroTypeInfo.MEASUREMENT));
        reconstruction = getRuntimeContext().getState(
                new ValueStateDescriptor<>("reconstruction", AvroTypeInfo.RECONSTRUCTION));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
        paired = getRuntimeContext().getMetricGroup().counter("trainingPairs");
        expired = getRuntimeContext().getMetricGroup().counter("trainingPairsExpired");
        withoutPrior = getRuntimeContext().getMetricGroup().counter("trainingPairsWithoutPrior");
    }

    @Override
    public void processElement1(Measurement m, Context ctx, Collector<TrainingRecord> out) throws Exception {
        Reconstruction r = reconstruction.value();
        if (r == null) {
            measurement.update(m);
            arm(ctx);
        } else {
            emit(m, r, ctx, out);
        }
    }

    @Override
    public void processElement2(Reconstruction r, Context ctx, Collector<TrainingRecord> out) throws Exception {
        Measurement m = measurement.value();
        if (m == null) {
            reconstruction.update(r);
            arm(ctx);
        } else {
            emit(m, r, ctx, out);
        }
    }

    private void arm(Context ctx) throws Exception {
        if (timer.value() == null) {
            long t = ctx.timerService().currentProcessingTime() + timeoutMillis;
            ctx.timerService().registerProcessingTimeTimer(t);
            timer.update(t);
        }
    }

    private void emit(Measurement m, Reconstruction r, Context ctx, Collector<TrainingRecord> out) throws Exception {
        Long t = timer.value();
        if (t != null) {
            ctx.timerService().deleteProcessingTimeTimer(t);
        }
        measurement.clear();
        reconstruction.clear();
        timer.clear();
        if (r.getLatent() == null || r.getLatent().isEmpty()) {
            withoutPrior.inc();
            return;
        }
        paired.inc();
        out.collect(TrainingRecord.of(m, r));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingRecord> out) {
        expired.inc();
        measurement.clear();
        reconstruction.clear();
        timer.clear();
    }
}
