package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Maps a sensor to one of a fixed number of batch buckets. Keying by sensor id directly would give one tiny
 * batch per sensor; keying by a bucket lets many sensors share a batch (what makes GPU/BLAS batching pay off)
 * while still keeping one sensor's frames in order on one subtask. String.hashCode is specified by the JLS,
 * so the bucket of a sensor is stable across JVMs and restarts.
 */
public final class BatchKeySelector implements KeySelector<Measurement, Integer> {

    private static final long serialVersionUID = 1L;

    private final int buckets;

    public BatchKeySelector(int buckets) {
        if (buckets <= 0) {
            throw new IllegalArgumentException("number of batch buckets must be positive, got " + buckets);
        }
        this.buckets = buckets;
    }

    @Override
    public Integer getKey(Measurement m) {
        return bucketOf(m.getSensorId(), buckets);
    }

    public static int bucketOf(String sensorId, int buckets) {
        return Math.floorMod(sensorId.hashCode(), buckets);
    }
}
