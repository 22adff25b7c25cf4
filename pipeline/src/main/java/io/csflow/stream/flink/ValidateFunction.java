package io.csflow.stream.flink;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.stream.MeasurementValidator;
import io.csflow.stream.Rejection;
import io.csflow.stream.ValidationResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/** Emits valid measurements; sends every rejected record, with its bytes and reason, to {@link #DEAD_LETTERS}. */
public final class ValidateFunction extends ProcessFunction<RawRecord, Measurement> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypeInfo.DEAD_LETTER);

    private final MeasurementValidator validator;
    private transient Counter valid;
    private transient Counter deadLetters;
    private transient Map<Rejection.Cause, Counter> byCause;

    public ValidateFunction(MeasurementValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext context) {
        // same group as the reconstruct operator's metrics (ReconstructionMetrics.GROUP)
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(ReconstructionMetrics.GROUP);
        valid = metrics.counter("validMeasurements");
        deadLetters = metrics.counter("deadLetters");
        byCause = new EnumMap<>(Rejection.Cause.class);
        MetricGroup causes = metrics.addGroup("deadLetterCause");
        for (Rejection.Cause c : Rejection.Cause.values()) {
            byCause.put(c, causes.counter(c.name()));
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Measurement> out) {
        ValidationResult result = validator.validate(raw.value);
        if (result.isValid()) {
            valid.inc();
            out.collect(result.measurement());
            return;
        }
        deadLetters.inc();
        byCause.get(result.rejection().cause()).inc();
        ctx.output(DEAD_LETTERS, deadLetter(raw, result.rejection(), System.currentTimeMillis()));
    }

    static DeadLetter deadLetter(RawRecord raw, Rejection rejection, long nowMillis) {
        return DeadLetter.newBuilder()
                // a tombstone (null value) has no bytes; the schema's raw field is not nullable
                .setRaw(ByteBuffer.wrap(raw.value == null ? new byte[0] : raw.value))
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setSourceTopic(raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setReason(rejection.toString())
                .setFailedAtMillis(nowMillis)
                .build();
    }
}
