package io.csflow.tools;

import io.csflow.avro.Reconstruction;
import io.csflow.io.ImageGrids;
import io.csflow.io.ImageGrids.Scaling;
import io.csflow.stream.KafkaClientProperties;
import io.csflow.stream.Topics;
import io.csflow.stream.wire.AvroWire;
import io.csflow.stream.wire.WireException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@link Reconstruction} records (read_committed, so only committed Flink transactions) and reports on them:
 * PNGs of reconstruction | uncertainty per record, and a {@link Summary} with throughput, latency, error and
 * duplicate counts.
 *
 * <ul>
 *   <li>PNG of every k-th record read (k = {@code pngEvery}, 0 = none): {@code <out>/<sensor>/<sequence>.png},
 *       columns reconstruction (on [0,1]) | uncertainty (min-max of that record; a missing or mis-sized
 *       uncertainty is drawn as an empty blue cell). Images with a square pixel count are drawn square, others as
 *       one row.</li>
 *   <li>End-to-end latency = consumer receive time (wall clock right after poll) - eventTimeMillis; it includes
 *       the wait for the job's transaction commit. Processing latency = processedAtMillis - eventTimeMillis, for
 *       records that carry processedAtMillis (> 0).</li>
 *   <li>Duplicates: a (sensorId, sequence) seen before in this run; exactly-once output should give 0.</li>
 *   <li>Values that do not decode are counted and skipped.</li>
 * </ul>
 *
 * <p>A run ends after {@code maxRecords} records (0 = no limit), after {@code idleTimeout} without records (counted
 * from the start and reset by every record and by the partition assignment), or on {@link #stop()}. The summary is
 * written to {@code <out>/summary.txt} when an output folder is set. Offsets are committed at the end of a run, so a
 * second run with the same group id continues where the first stopped.
 */
public final class ReconstructionConsumer implements AutoCloseable {

    public static final String DEFAULT_GROUP_ID = "csflow-consume";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_PNG_SCALE = 4;

    private static final AvroWire<Reconstruction> WIRE = AvroWire.reconstructions();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Path outDir;
    private final int pngEvery;
    private final int pngScale;
    private final Duration reportInterval;
    private final Consumer<String> reports;
    private volatile boolean stopRequested;

    private ReconstructionConsumer(Builder b) {
        if (b.bootstrapServers == null || b.bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka to read from: give bootstrap servers (host:port)");
        }
        this.topic = b.topic;
        this.outDir = b.outDir;
        this.pngEvery = b.pngEvery;
        this.pngScale = b.pngScale;
        this.reportInterval = b.reportInterval;
        this.reports = b.reports;
        this.consumer = new KafkaConsumer<>(consumerConfig(b.bootstrapServers, b.groupId, b.autoOffsetReset,
                b.kafkaProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The consumer settings: read_committed, the given group and offset reset, offsets committed by the run. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String autoOffsetReset) {
        return consumerConfig(bootstrapServers, groupId, autoOffsetReset, KafkaClientProperties.none());
    }

    /** The consumer settings with the pass-through properties on top. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String autoOffsetReset,
                                                     KafkaClientProperties extra) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "csflow-consume");
        return extra.clientConfig("consume", cfg);
    }

    /** Ends the current run soon; safe from any thread (e.g. a shutdown hook). */
    public void stop() {
        stopRequested = true;
        consumer.wakeup();
    }

    /**
     * Reads until {@code maxRecords} records (0 = no limit), {@code idleTimeout} without records, or {@link #stop()}.
     *
     * @throws IOException if a PNG or the summary cannot be written
     */
    public Summary run(long maxRecords, Duration idleTimeout) throws IOException {
        if (maxRecords < 0) {
            throw new IllegalArgumentException("record count must be >= 0 (0 = no limit), got " + maxRecords);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (outDir != null) {
            Files.createDirectories(outDir);
        }
        Stats stats = new Stats();
        long[] lastActivity = {System.nanoTime()};
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                lastActivity[0] = System.nanoTime();
            }
        });
        long idleNanos = idleTimeout.toNanos();
        long nextReport = System.nanoTime() + reportInterval.toNanos();
        Summary.StopReason reason = Summary.StopReason.STOPPED;
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try {
            while (true) {
                if (stopRequested) {
                    reason = Summary.StopReason.STOPPED;
                    break;
                }
                if (maxRecords > 0 && stats.records >= maxRecords) {
                    reason = Summary.StopReason.COUNT;
                    break;
                }
                if (System.nanoTime() - lastActivity[0] >= idleNanos) {
                    reason = Summary.StopReason.IDLE;
                    break;
                }
                ConsumerRecords<byte[], byte[]> batch;
                try {
                    batch = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    reason = Summary.StopReason.STOPPED;
                    break;
                }
                long receivedAt = System.currentTimeMillis();
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> rec : batch) {
                    if (maxRecords > 0 && stats.records >= maxRecords) {
                        break; // offsets past here are not committed: the next run reads them
                    }
                    handle(rec, receivedAt, stats);
                    done.put(new TopicPartition(rec.topic(), rec.partition()), new OffsetAndMetadata(rec.offset() + 1));
                    lastActivity[0] = System.nanoTime();
                }
                committed.putAll(done);
                if (!done.isEmpty()) {
                    consumer.commitAsync(done, null);
                }
                if (reportInterval.toNanos() > 0 && System.nanoTime() >= nextReport) {
                    reports.accept(stats.line());
                    nextReport = System.nanoTime() + reportInterval.toNanos();
                }
            }
            try {
                commit(committed);
            } catch (RuntimeException e) {
                reports.accept("warning: could not commit offsets: " + e.getMessage());
            }
        } finally {
            consumer.unsubscribe();
        }
        Summary summary = stats.summary(reason);
        if (outDir != null) {
            Files.writeString(outDir.resolve("summary.txt"), summary.format());
        }
        return summary;
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        } catch (WakeupException e) {
            consumer.commitSync(offsets, Duration.ofSeconds(10)); // a stop() that came after the loop ended
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> rec, long receivedAt, Stats stats) throws IOException {
        Reconstruction r;
        try {
            r = WIRE.decode(rec.value());
        } catch (WireException e) {
            stats.undecodable++;
            reports.accept("skipping " + rec.topic() + "-" + rec.partition() + "@" + rec.offset() + ": "
                    + e.getMessage());
            return;
        }
        long index = stats.records; // 0-based index of this record in the run
        stats.add(r, receivedAt);
        if (outDir != null && pngEvery > 0 && index % pngEvery == 0) {
            writePng(r);
            stats.pngs++;
        }
    }

    /** {@code <out>/<sensor>/<sequence>.png}: reconstruction | uncertainty. */
    private void writePng(Reconstruction r) throws IOException {
        float[] image = floats(r.getImage());
        float[] unc = floats(r.getUncertainty());
        int n = image.length;
        if (n == 0) {
            return;
        }
        int side = (int) Math.round(Math.sqrt(n));
        int rows = side * side == n ? side : 1;
        int cols = n / rows;
        float[][] row = {image, unc.length == n ? unc : null};
        ImageGrids.writeGrid(pngPath(outDir, r.getSensorId(), r.getSequence()), List.<float[][]>of(row), rows, cols,
                List.of(Scaling.unit(), Scaling.minMax()), pngScale);
    }

    /** Where the PNG of a record goes; the sensor id is made safe as a folder name. */
    public static Path pngPath(Path outDir, String sensorId, long sequence) {
        String safe = sensorId == null ? "_" : sensorId.replaceAll("[^a-zA-Z0-9._-]", "_");
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            safe = "_" + safe;
        }
        return outDir.resolve(safe).resolve(sequence + ".png");
    }

    private static float[] floats(List<Float> list) {
        if (list == null) {
            return new float[0];
        }
        float[] a = new float[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }

    /** Running totals of one run. Only touched by the polling thread. */
    private static final class Stats {
        final long startNanos = System.nanoTime();
        long firstNanos = -1;
        long lastNanos = -1;
        long records;
        long undecodable;
        long duplicates;
        long pngs;
        long mseCount;
        double mseSum;
        final Set<String> seen = new HashSet<>();
        final Map<String, Long> byMethod = new TreeMap<>();
        final Map<Long, Long> byModelVersion = new TreeMap<>();
        final Map<String, Long> bySensor = new TreeMap<>();
        final LongList e2e = new LongList();
        final LongList processing = new LongList();

        void add(Reconstruction r, long receivedAt) {
            long now = System.nanoTime();
            if (firstNanos < 0) {
                firstNanos = now;
            }
            lastNanos = now;
            records++;
            if (!seen.add(r.getSensorId() + '\u0000' + r.getSequence())) {
                duplicates++;
            }
            byMethod.merge(r.getMethod(), 1L, Long::sum);
            byModelVersion.merge(r.getModelVersion(), 1L, Long::sum);
            bySensor.merge(r.getSensorId(), 1L, Long::sum);
            if (r.getMse() != null && Float.isFinite(r.getMse())) {
                mseCount++;
                mseSum += r.getMse();
            }
            e2e.add(receivedAt - r.getEventTimeMillis());
            if (r.getProcessedAtMillis() > 0) {
                processing.add(r.getProcessedAtMillis() - r.getEventTimeMillis());
            }
        }

        double rate() {
            double window = records > 1 ? (lastNanos - firstNanos) / 1e9 : (System.nanoTime() - startNanos) / 1e9;
            return window > 0 ? records / window : 0;
        }

        String line() {
            Latency l = Latency.of(e2e);
            return String.format("%d records, %.1f/s, e2e latency p50 %d ms p95 %d ms p99 %d ms, mse %s, duplicates %d",
                    records, rate(), l.p50(), l.p95(), l.p99(),
                    mseCount > 0 ? String.format("%.5f (%d)", mseSum / mseCount, mseCount) : "-", duplicates);
        }

        Summary summary(Summary.StopReason reason) {
            return new Summary(records, duplicates, undecodable, pngs, (System.nanoTime() - startNanos) / 1e9, rate(),
                    Latency.of(e2e), Latency.of(processing), mseCount, mseCount > 0 ? mseSum / mseCount : Double.NaN,
                    Collections.unmodifiableMap(new TreeMap<>(byMethod)),
                    Collections.unmodifiableMap(new TreeMap<>(byModelVersion)),
                    Collections.unmodifiableMap(new TreeMap<>(bySensor)), reason);
        }
    }

    /** A growable long array. */
    private static final class LongList {
        long[] a = new long[1024];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }
    }

    /**
     * Latency percentiles in milliseconds (nearest rank); all 0 when {@code count} is 0.
     */
    public record Latency(long count, long p50, long p95, long p99, long max) {

        static Latency of(LongList values) {
            if (values.size == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            long[] s = Arrays.copyOf(values.a, values.size);
            Arrays.sort(s);
            return new Latency(s.length, rank(s, 0.50), rank(s, 0.95), rank(s, 0.99), s[s.length - 1]);
        }

        private static long rank(long[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        String format() {
            return count == 0 ? "-" : String.format("p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (%d records)",
                    p50, p95, p99, max, count);
        }
    }

    /**
     * What a run saw.
     *
     * @param records records decoded (duplicates included)
     * @param duplicates records whose (sensorId, sequence) was already seen in this run
     * @param undecodable values skipped because they were not a Reconstruction
     * @param pngsWritten PNG files written
     * @param seconds length of the run
     * @param recordsPerSecond records over the time from the first to the last record
     * @param endToEnd consumer receive time - eventTimeMillis
     * @param processing processedAtMillis - eventTimeMillis, over records with processedAtMillis > 0
     * @param mseCount records that carried an mse (their measurement had the truth)
     * @param meanMse mean of those mse values (NaN when none)
     */
    public record Summary(long records, long duplicates, long undecodable, long pngsWritten, double seconds,
            double recordsPerSecond, Latency endToEnd, Latency processing, long mseCount, double meanMse,
            Map<String, Long> byMethod, Map<Long, Long> byModelVersion, Map<String, Long> bySensor,
            StopReason stopReason) {

        /** Why a run ended. */
        public enum StopReason { COUNT, IDLE, STOPPED }

        /** Multi-line text, as written to summary.txt. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("records:            %d (%.1f records/s, first to last record; run %.1f s, ended: %s)%n",
                    records, recordsPerSecond, seconds, stopReason.name().toLowerCase()));
            sb.append(String.format("duplicates:         %d (same sensor+sequence seen again; should be 0)%n", duplicates));
            sb.append(String.format("undecodable:        %d%n", undecodable));
            sb.append(String.format("e2e latency:        %s  [consumer receive time - eventTimeMillis]%n",
                    endToEnd.format()));
            sb.append(String.format("processing latency: %s  [processedAtMillis - eventTimeMillis]%n",
                    processing.format()));
            sb.append(String.format("mean mse:           %s%n", mseCount > 0
                    ? String.format("%.6f over %d records with truth", meanMse, mseCount) : "- (no record had truth)"));
            sb.append("by method:         ");
            byMethod.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            sb.append(String.format("%nby model version:  "));
            byModelVersion.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            sb.append(String.format("%nsensors:            %d%n", bySensor.size()));
            sb.append(String.format("pngs written:       %d%n", pngsWritten));
            return sb.toString();
        }
    }

    /** Options of a consumer; only the bootstrap servers are required. */
    public static final class Builder {
        private String bootstrapServers;
        private KafkaClientProperties kafkaProperties = KafkaClientProperties.none();
        private String topic = Topics.DEFAULT_RECONSTRUCTIONS;
        private String groupId = DEFAULT_GROUP_ID;
        private String autoOffsetReset = "earliest";
        private Path outDir;
        private int pngEvery = 1;
        private int pngScale = DEFAULT_PNG_SCALE;
        private Duration reportInterval = DEFAULT_REPORT_INTERVAL;
        private Consumer<String> reports = s -> { };

        private Builder() {
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Extra consumer settings (TLS, SASL, ...). */
        public Builder kafkaProperties(KafkaClientProperties extra) {
            this.kafkaProperties = extra == null ? KafkaClientProperties.none() : extra;
            return this;
        }

        public Builder topic(String topic) {
            if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("invalid topic name '" + topic
                        + "': use 1-249 characters from [a-zA-Z0-9._-]");
            }
            this.topic = topic;
            return this;
        }

        /** Consumer group (default {@value #DEFAULT_GROUP_ID}). */
        public Builder groupId(String groupId) {
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("group id must not be blank");
            }
            this.groupId = groupId;
            return this;
        }

        /** A fresh group id, so the run reads the topic from auto.offset.reset regardless of earlier runs. */
        public Builder freshGroupId() {
            this.groupId = DEFAULT_GROUP_ID + "-" + UUID.randomUUID();
            return this;
        }

        /** earliest (default), latest or none. */
        public Builder autoOffsetReset(String reset) {
            if (!List.of("earliest", "latest", "none").contains(reset)) {
                throw new IllegalArgumentException("auto.offset.reset must be earliest, latest or none, got '"
                        + reset + "'");
            }
            this.autoOffsetReset = reset;
            return this;
        }

        /** Folder for PNGs and summary.txt; null (default) writes nothing. */
        public Builder outDir(Path outDir) {
            this.outDir = outDir;
            return this;
        }

        /** Write the PNG of every k-th record (default 1; 0 = none). */
        public Builder pngEvery(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("PNG interval must be >= 0 (0 = no PNGs), got " + k);
            }
            this.pngEvery = k;
            return this;
        }

        /** Screen pixels per image pixel (default {@value #DEFAULT_PNG_SCALE}). */
        public Builder pngScale(int scale) {
            if (scale < 1) {
                throw new IllegalArgumentException("PNG scale must be >= 1, got " + scale);
            }
            this.pngScale = scale;
            return this;
        }

        /** Where live one-line reports go, and how often (zero: no live reports). */
        public Builder reports(Consumer<String> sink, Duration every) {
            if (sink == null || every == null || every.isNegative()) {
                throw new IllegalArgumentException("reports need a sink and a non-negative interval");
            }
            this.reports = sink;
            this.reportInterval = every;
            return this;
        }

        public ReconstructionConsumer build() {
            return new ReconstructionConsumer(this);
        }
    }
}
