package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects measurements per batch bucket and emits them as one batch when it holds {@code maxBatchSize} records
 * or when its oldest record has waited {@code maxWaitMillis} (processing time), whichever comes first. The
 * buffer and the timer are keyed state, so buffered records survive a failure and are emitted after restore.
 */
public final class BatchingFunction extends KeyedProcessFunction<Integer, Measurement, List<Measurement>> {

    private static final long serialVersionUID = 1L;

    private final int maxBatchSize;
    private final long maxWaitMillis;

    private transient ListState<Measurement> buffer;
    /** ListState has no cheap size, so we count alongside. */
    private transient ValueState<Integer> count;
    /** The pending flush timer, so a size flush can delete it and a stale timer is recognised. */
    private transient ValueState<Long> timer;
    private transient Histogram batchSizes;
    private transient Counter sizeFlushes;
    private transient Counter timerFlushes;

    public BatchingFunction(int maxBatchSize, long maxWaitMillis) {
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("max batch size must be positive, got " + maxBatchSize);
        }
        if (maxWaitMillis <= 0) {
            throw new IllegalArgumentException("max batch wait must be positive, got " + maxWaitMillis + " ms");
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitMillis = maxWaitMillis;
    }

    @Override
    public void open(OpenContext context) {
        buffer = getRuntimeContext().getListState(new ListStateDescriptor<>("buffer", AvroTypeInfo.MEASUREMENT));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        batchSizes = getRuntimeContext().getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(500));
        sizeFlushes = getRuntimeContext().getMetricGroup().counter("batchesFlushedBySize");
        timerFlushes = getRuntimeContext().getMetricGroup().counter("batchesFlushedByTimer");
    }

    @Override
    public void processElement(Measurement m, Context ctx, Collector<List<Measurement>> out) throws Exception {
        buffer.add(m);
        int n = count.value() == null ? 1 : count.value() + 1;
        count.update(n);
        if (n == 1) {
            long at = ctx.timerService().currentProcessingTime() + maxWaitMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
        if (n >= maxBatchSize) {
            Long pending = timer.value();
            if (pending != null) {
                ctx.timerService().deleteProcessingTimeTimer(pending);
            }
            sizeFlushes.inc();
            flush(out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<List<Measurement>> out) throws Exception {
        Long pending = timer.value();
        if (pending != null && pending == timestamp) {
            timerFlushes.inc();
            flush(out);
        }
    }

    private void flush(Collector<List<Measurement>> out) throws Exception {
        List<Measurement> batch = new ArrayList<>(maxBatchSize);
        for (Measurement m : buffer.get()) {
            batch.add(m);
        }
        buffer.clear();
        count.clear();
        timer.clear();
        if (!batch.isEmpty()) {
            batchSizes.update(batch.size());
            out.collect(batch);
        }
    }
}
