package io.csflow.core.operator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded, thread-safe least-recently-used map. Values are computed outside the lock, so a slow
 * build (a dense operator) does not block lookups of other keys; two threads missing the same key at
 * once may both compute it and the first one stored wins, which is harmless for pure functions.
 */
public final class LruCache<K, V> {

    private final int capacity;
    private final LinkedHashMap<K, V> map;

    public LruCache(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > LruCache.this.capacity;
            }
        };
    }

    /** The cached value for key, computing and storing it on a miss. */
    public V get(K key, Function<? super K, ? extends V> compute) {
        synchronized (map) {
            V v = map.get(key);
            if (v != null) {
                return v;
            }
        }
        V fresh = compute.apply(key);
        synchronized (map) {
            V raced = map.putIfAbsent(key, fresh);
            return raced != null ? raced : fresh;
        }
    }

    public int size() {
        synchronized (map) {
            return map.size();
        }
    }

    public int capacity() {
        return capacity;
    }

    public boolean contains(K key) {
        synchronized (map) {
            return map.containsKey(key);
        }
    }
}
