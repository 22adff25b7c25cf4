package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.nn.NativeThreads;
import io.csflow.stream.BatchReconstructionService;
import io.csflow.stream.ReconstructionServiceFactory;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.Collector;

import java.util.List;

/** Reconstructs one batch per call with a service built in open(); emits one Reconstruction per measurement. */
public final class ReconstructFunction extends RichFlatMapFunction<List<Measurement>, Reconstruction> {

    private static final long serialVersionUID = 1L;

    private final ReconstructionServiceFactory factory;
    private transient BatchReconstructionService service;
    private transient Counter reconstructions;
    private transient Histogram batchMillis;

    public ReconstructFunction(ReconstructionServiceFactory factory) {
        if (factory == null) {
            throw new IllegalArgumentException("a ReconstructionServiceFactory is required");
        }
        this.factory = factory;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        // every parallel instance on this machine solves at once: give each its share of the cores
        int threads = NativeThreads.shareCores(getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        getRuntimeContext().getMetricGroup().gauge("nativeThreads", () -> threads);
        service = factory.create();
        reconstructions = getRuntimeContext().getMetricGroup().counter("reconstructions");
        batchMillis = getRuntimeContext().getMetricGroup()
                .histogram("batchReconstructMillis", new DescriptiveStatisticsHistogram(500));
    }

    @Override
    public void flatMap(List<Measurement> batch, Collector<Reconstruction> out) {
        long start = System.nanoTime();
        // a throw here fails the task: Flink restarts from the last checkpoint and the batch is redone;
        // validation has already removed records that are bad on their own
        List<Reconstruction> results = service.reconstruct(batch);
        batchMillis.update((System.nanoTime() - start) / 1_000_000);
        for (Reconstruction r : results) {
            out.collect(r);
        }
        reconstructions.inc(results.size());
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            service.close();
        }
    }
}
