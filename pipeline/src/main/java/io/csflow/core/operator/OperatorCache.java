package io.csflow.core.operator;

/**
 * Operators by spec, least recently used evicted beyond the capacity. A 784 x 784 dense operator is
 * ~2.5 MB and costs ~600k random draws to build, so streams that reuse a few specs should share one
 * cache; the bound keeps a stream of fresh seeds from exhausting memory. Thread-safe.
 */
public final class OperatorCache {

    public static final int DEFAULT_CAPACITY = 256;

    private static final OperatorCache SHARED = new OperatorCache(DEFAULT_CAPACITY);

    private final LruCache<OperatorSpec, MeasurementOperator> cache;

    public OperatorCache(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("operator cache capacity must be positive, got " + capacity
                    + "; use e.g. " + DEFAULT_CAPACITY);
        }
        this.cache = new LruCache<>(capacity);
    }

    /** One process-wide cache of the default capacity. */
    public static OperatorCache shared() {
        return SHARED;
    }

    /** The operator of a spec, built on first use. */
    public MeasurementOperator get(OperatorSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("operator spec is missing: pass an OperatorSpec(kind, seed, m, n)");
        }
        return cache.get(spec, MeasurementOperators::create);
    }

    public int size() {
        return cache.size();
    }

    public int capacity() {
        return cache.capacity();
    }

    public boolean contains(OperatorSpec spec) {
        return cache.contains(spec);
    }
}
