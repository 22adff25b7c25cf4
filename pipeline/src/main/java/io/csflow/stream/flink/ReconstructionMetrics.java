package io.csflow.stream.flink;

import io.csflow.stream.BatchSummary;
import io.csflow.stream.Rejection;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.function.LongSupplier;

/**
 * The reconstruct operator's metrics, in the operator's metric group {@value #GROUP} (Prometheus:
 * {@code flink_taskmanager_job_task_operator_csflow_<name>}): counters {@code reconstructions},
 * {@code modelsAccepted}, {@code modelsRejected}, {@code deadLetters} with its cause counter
 * {@code deadLetterCause.RECONSTRUCTION_FAILED} (named as the validate operator's, so dashboards add them);
 * gauge {@code nativeThreads} (BLAS threads of this instance); gauges of the last batch {@code batchSize},
 * {@code solverMillis},
 * {@code iterations} (mean per record), {@code meanResidual}, {@code meanUncertainty}; gauge {@code modelVersion}
 * (the prior in use now); histograms {@code batchSizeHistogram} and {@code solverMillisHistogram} over the last
 * {@value #HISTOGRAM_WINDOW} batches. Records in/out per second are Flink's own numRecordsIn/OutPerSecond.
 */
public final class ReconstructionMetrics {

    public static final String GROUP = "csflow";
    static final int HISTOGRAM_WINDOW = 500;

    private final Counter reconstructions;
    private final Counter modelsAccepted;
    private final Counter modelsRejected;
    private final Counter deadLetters;
    private final Counter reconstructionFailed;
    private final Histogram batchSizes;
    private final Histogram solverMillis;
    /** Written by the task thread, read by the reporter thread. */
    private volatile BatchSummary last = BatchSummary.EMPTY;

    public ReconstructionMetrics(MetricGroup operatorGroup, LongSupplier modelVersion, int nativeThreads) {
        MetricGroup g = operatorGroup.addGroup(GROUP);
        g.gauge("nativeThreads", () -> nativeThreads);
        reconstructions = g.counter("reconstructions");
        modelsAccepted = g.counter("modelsAccepted");
        modelsRejected = g.counter("modelsRejected");
        deadLetters = g.counter("deadLetters");
        reconstructionFailed = g.addGroup("deadLetterCause").counter(Rejection.Cause.RECONSTRUCTION_FAILED.name());
        g.gauge("modelVersion", modelVersion::getAsLong);
        g.gauge("batchSize", () -> last.size());
        g.gauge("solverMillis", () -> last.solverMillis());
        g.gauge("iterations", () -> last.meanIterations());
        g.gauge("meanResidual", () -> last.meanResidual());
        g.gauge("meanUncertainty", () -> last.meanUncertainty());
        batchSizes = g.histogram("batchSizeHistogram", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        solverMillis = g.histogram("solverMillisHistogram", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    public void batchSolved(BatchSummary summary) {
        last = summary;
        reconstructions.inc(summary.size());
        batchSizes.update(summary.size());
        solverMillis.update(summary.solverMillis());
    }

    /** A record that passed validation but that the solver throws on went to the dead letters. */
    public void reconstructionDeadLettered() {
        deadLetters.inc();
        reconstructionFailed.inc();
    }

    public void modelAccepted() {
        modelsAccepted.inc();
    }

    public void modelRejected() {
        modelsRejected.inc();
    }

    long modelsAcceptedCount() {
        return modelsAccepted.getCount();
    }

    long deadLettersCount() {
        return deadLetters.getCount();
    }

    long modelsRejectedCount() {
        return modelsRejected.getCount();
    }
}
