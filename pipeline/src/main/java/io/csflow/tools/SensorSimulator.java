package io.csflow.tools;

import io.csflow.avro.Measurement;
import io.csflow.core.operator.Batches;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.data.FashionMnist;
import io.csflow.data.FashionMnist.Dataset;
import io.csflow.stream.KafkaClientProperties;
import io.csflow.stream.Topics;
import io.csflow.stream.wire.AvroWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Simulated compressed-sensing sensors: takes images (Fashion-MNIST TEST by default), measures them as
 * {@code y = A x + noise} for every sensor of every {@link ProfileSpec}, and sends {@link Measurement} records
 * (Avro single-object encoding, key = sensor id as UTF-8) to a Kafka topic.
 *
 * <ul>
 *   <li>Sensor ids come from {@link ProfileSpec#sensorIds()}; sensor i of a profile uses operator seed
 *       {@code seed + i}, so a fleet has many operators.</li>
 *   <li>Sequence numbers start at 0 per sensor and increase by 1. Frame {@code s} of every sensor is image
 *       {@code (startImage + s) mod images}.</li>
 *   <li>Noise is {@code noiseStd * N(0,1)} from a {@link Random} per sensor seeded with the simulator seed and
 *       the sensor's position in the fleet, so runs are reproducible.</li>
 *   <li>y is computed {@code batchSize} frames at a time with the operator's batched forward.</li>
 *   <li>eventTimeMillis is {@link System#currentTimeMillis()} when the record is handed to the producer.</li>
 *   <li>Sensors with a rate are paced (frame k is due {@code k / rate} s after the start); rate 0 sends as fast
 *       as the producer takes records.</li>
 * </ul>
 *
 * <pre>{@code
 * SensorSimulator sim = SensorSimulator.builder()
 *         .bootstrapServers(broker.bootstrapServers())      // or .producer(myProducer)
 *         .profile(ProfileSpec.parse("cam-a:GAUSSIAN:200:0.1:rate=50:sensors=2"))
 *         .build();
 * SensorSimulator.Stats stats = sim.run(100);               // 100 records per sensor
 * }</pre>
 *
 * <p>A producer made from bootstrap servers uses acks=all and idempotence and is closed by {@link #close()}; a
 * producer passed in belongs to the caller (it is flushed, not closed). {@link #stop()} may be called from any
 * thread (e.g. a shutdown hook) to end a run early.
 */
public final class SensorSimulator implements AutoCloseable {

    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final long DEFAULT_SEED = 42;

    private static final AvroWire<Measurement> WIRE = AvroWire.measurements();

    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final String topic;
    private final Dataset images;
    private final int startImage;
    private final int batchSize;
    private final long seed;
    private final List<Sensor> sensors;
    private volatile boolean stopRequested;

    private SensorSimulator(Builder b, Dataset images) {
        this.images = images;
        this.topic = b.topic;
        this.startImage = b.startImage;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        if (images.size() == 0) {
            throw new IllegalArgumentException("no images to measure: the data set is empty");
        }
        if (startImage < 0 || startImage >= images.size()) {
            throw new IllegalArgumentException("start image " + startImage + " is outside the " + images.size()
                    + " images (0.." + (images.size() - 1) + ")");
        }
        List<Sensor> list = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        OperatorCache cache = b.operators != null ? b.operators : OperatorCache.shared();
        for (ProfileSpec p : b.profiles) {
            List<String> pids = p.sensorIds();
            for (int i = 0; i < pids.size(); i++) {
                String id = pids.get(i);
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("sensor id '" + id + "' comes from two profiles: give the"
                            + " profiles different names");
                }
                OperatorSpec spec = p.operator(i, images.pixels());
                long noiseSeed = seed * 0x9E3779B97F4A7C15L + list.size();
                list.add(new Sensor(id, p, cache.get(spec), new Random(noiseSeed)));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no sensor profiles: give at least one, e.g. "
                    + "cam-a:GAUSSIAN:200:0.1 (" + ProfileSpec.SYNTAX + ")");
        }
        this.sensors = list;
        if (b.producer != null) {
            this.producer = b.producer;
            this.ownsProducer = false;
        } else {
            this.producer = createProducer(b.bootstrapServers, b.kafkaProperties);
            this.ownsProducer = true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The producer settings used when the simulator makes its own producer. */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        return producerConfig(bootstrapServers, KafkaClientProperties.none());
    }

    /** The simulator's own producer settings with the pass-through properties on top. */
    public static Map<String, Object> producerConfig(String bootstrapServers, KafkaClientProperties extra) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        cfg.put(ProducerConfig.CLIENT_ID_CONFIG, "csflow-produce");
        return extra.clientConfig("produce", cfg);
    }

    private static Producer<byte[], byte[]> createProducer(String bootstrapServers, KafkaClientProperties extra) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka to send to: give bootstrap servers (host:port) or a producer");
        }
        return new KafkaProducer<>(producerConfig(bootstrapServers, extra), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Sensor ids in sending order. */
    public List<String> sensorIds() {
        return sensors.stream().map(s -> s.id).toList();
    }

    /** The operator of each sensor. */
    public Map<String, OperatorSpec> operators() {
        Map<String, OperatorSpec> out = new LinkedHashMap<>();
        sensors.forEach(s -> out.put(s.id, s.op.spec()));
        return out;
    }

    /** Sends {@code countPerSensor} records per sensor (fewer if stopped), then flushes. */
    public Stats run(long countPerSensor) {
        if (countPerSensor <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + countPerSensor);
        }
        return run(countPerSensor, Long.MAX_VALUE);
    }

    /** Sends until {@code duration} has passed (or stopped), then flushes. */
    public Stats run(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + duration);
        }
        return run(Long.MAX_VALUE, duration.toNanos());
    }

    /** Sends until {@link #stop()} is called (e.g. on Ctrl-C). */
    public Stats runUntilStopped() {
        return run(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Ends the current run soon (after the record being prepared); safe from any thread. */
    public void stop() {
        stopRequested = true;
    }

    private Stats run(long countPerSensor, long durationNanos) {
        stopRequested = false;
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        long deadline = durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : t0 + durationNanos;
        for (Sensor s : sensors) {
            s.startRun();
        }
        byte[][] keys = new byte[sensors.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = sensors.get(i).id.getBytes(StandardCharsets.UTF_8);
        }
        while (!stopRequested && failure.get() == null) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            boolean allDone = true;
            boolean sentSome = false;
            long nextDue = Long.MAX_VALUE;
            for (int i = 0; i < sensors.size(); i++) {
                Sensor s = sensors.get(i);
                if (s.sentThisRun >= countPerSensor) {
                    continue;
                }
                allDone = false;
                // send what is due now: everything buffered for unpaced sensors, one at a time for paced ones
                while (s.sentThisRun < countPerSensor && !stopRequested && failure.get() == null) {
                    long due = s.dueNanos(t0);
                    if (due > System.nanoTime()) {
                        nextDue = Math.min(nextDue, due);
                        break;
                    }
                    send(s, keys[i], failure);
                    sentSome = true;
                    if (s.profile.rate() == 0 && s.buffered() == 0) {
                        break; // let the other sensors have a turn
                    }
                }
            }
            if (allDone) {
                break;
            }
            if (!sentSome && nextDue != Long.MAX_VALUE) {
                long wait = Math.min(nextDue, deadline) - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                }
            }
        }
        producer.flush();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            Exception e = failure.get();
            throw new IllegalStateException("sending to topic '" + topic + "' failed: " + e.getMessage()
                    + " (is the topic there and the broker reachable?)", e);
        }
        Map<String, Long> sent = new LinkedHashMap<>();
        long withTruth = 0;
        for (Sensor s : sensors) {
            sent.put(s.id, s.ackedThisRun.get());
            withTruth += s.truthThisRun;
        }
        return new Stats(Collections.unmodifiableMap(sent), withTruth, seconds);
    }

    private void send(Sensor s, byte[] key, AtomicReference<Exception> failure) {
        if (s.buffered() == 0) {
            s.fill(images, startImage, batchSize);
        }
        Measurement m = s.next(images, startImage, System.currentTimeMillis());
        AtomicLong acked = s.ackedThisRun;
        producer.send(new ProducerRecord<>(topic, key, WIRE.encode(m)), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acked.incrementAndGet();
            }
        });
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing the sensors", e);
        }
    }

    /** Closes the producer if the simulator made it. */
    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** What one run sent: records acknowledged by Kafka per sensor, in sensor order. */
    public record Stats(Map<String, Long> sentPerSensor, long withTruth, double seconds) {

        public long total() {
            return sentPerSensor.values().stream().mapToLong(Long::longValue).sum();
        }

        public double recordsPerSecond() {
            return seconds > 0 ? total() / seconds : 0;
        }

        /** A few lines for people: per-sensor counts and the overall rate. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("sent %d records (%d with truth) from %d sensors in %.2f s: %.1f records/s%n",
                    total(), withTruth, sentPerSensor.size(), seconds, recordsPerSecond()));
            sentPerSensor.forEach((id, n) -> sb.append(String.format("  %-24s %8d  (%.1f/s)%n", id, n,
                    seconds > 0 ? n / seconds : 0)));
            return sb.toString();
        }
    }

    /** One simulated sensor: operator, noise stream, sequence counter and a buffer of measured frames. */
    private static final class Sensor {
        final String id;
        final ProfileSpec profile;
        final MeasurementOperator op;
        final Random noise;
        long nextSequence;
        long sentThisRun;
        long truthThisRun;
        final AtomicLong ackedThisRun = new AtomicLong();
        float[][] ys = new float[0][];
        long bufferStart; // sequence of ys[0]
        int bufferPos;

        Sensor(String id, ProfileSpec profile, MeasurementOperator op, Random noise) {
            this.id = id;
            this.profile = profile;
            this.op = op;
            this.noise = noise;
        }

        void startRun() {
            sentThisRun = 0;
            truthThisRun = 0;
            ackedThisRun.set(0);
        }

        int buffered() {
            return ys.length - bufferPos;
        }

        long dueNanos(long t0) {
            double rate = profile.rate();
            return rate == 0 ? t0 : t0 + (long) (sentThisRun * 1e9 / rate);
        }

        static int imageIndex(Dataset images, int startImage, long sequence) {
            return (int) ((startImage + sequence) % images.size());
        }

        /** Measures the next batch of frames at once. */
        void fill(Dataset images, int startImage, int batchSize) {
            int b = batchSize;
            if (profile.rate() > 0) {
                b = (int) Math.max(1, Math.min(batchSize, Math.ceil(profile.rate()))); // ~1 s ahead at most
            }
            int n = images.pixels();
            float[] x = new float[b * n];
            for (int r = 0; r < b; r++) {
                System.arraycopy(images.images()[imageIndex(images, startImage, nextSequence + r)], 0, x, r * n, n);
            }
            INDArray in = Nd4j.create(x, new long[] {b, n}, 'c');
            INDArray out = Nd4j.create(DataType.FLOAT, b, op.m());
            op.forward(in, out);
            float[] y = Batches.toFloats(out);
            int m = op.m();
            float std = profile.noiseStd();
            ys = new float[b][m];
            for (int r = 0; r < b; r++) {
                for (int i = 0; i < m; i++) {
                    float v = y[r * m + i];
                    if (std > 0) {
                        v += (float) (std * noise.nextGaussian());
                    }
                    ys[r][i] = v;
                }
            }
            bufferStart = nextSequence;
            bufferPos = 0;
        }

        Measurement next(Dataset images, int startImage, long eventTime) {
            long seq = bufferStart + bufferPos;
            float[] y = ys[bufferPos];
            ys[bufferPos] = null;
            bufferPos++;
            nextSequence = seq + 1;
            sentThisRun++;
            List<Float> yl = new ArrayList<>(y.length);
            for (float v : y) {
                yl.add(v);
            }
            List<Float> truth = null;
            Integer label = null;
            int k = profile.truthEvery();
            if (k > 0 && seq % k == 0) {
                int idx = imageIndex(images, startImage, seq);
                float[] img = images.images()[idx];
                truth = new ArrayList<>(img.length);
                for (float v : img) {
                    truth.add(v);
                }
                label = images.labels()[idx];
                truthThisRun++;
            }
            OperatorSpec spec = op.spec();
            return Measurement.newBuilder()
                    .setSensorId(id)
                    .setSequence(seq)
                    .setEventTimeMillis(eventTime)
                    .setOperator(io.csflow.avro.OperatorSpec.newBuilder().setKind(spec.kind().name())
                            .setSeed(spec.seed()).setM(spec.m()).setN(spec.n()).build())
                    .setY(yl)
                    .setNoiseStd(profile.noiseStd())
                    .setTruth(truth)
                    .setLabel(label)
                    .build();
        }
    }

    /** Options of a simulator; only the profiles and a producer (or bootstrap servers) are required. */
    public static final class Builder {
        private Producer<byte[], byte[]> producer;
        private String bootstrapServers;
        private KafkaClientProperties kafkaProperties = KafkaClientProperties.none();
        private String topic = Topics.DEFAULT_MEASUREMENTS;
        private final List<ProfileSpec> profiles = new ArrayList<>();
        private Dataset images;
        private int startImage;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long seed = DEFAULT_SEED;
        private OperatorCache operators;

        private Builder() {
        }

        /** Sends with this producer (not closed by the simulator). */
        public Builder producer(Producer<byte[], byte[]> producer) {
            this.producer = producer;
            return this;
        }

        /** Makes its own producer (acks=all, idempotent) for these servers, closed by {@link #close()}. */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Extra settings (TLS, SASL, ...) of the producer made from the bootstrap servers. */
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

        public Builder profile(ProfileSpec profile) {
            this.profiles.add(profile);
            return this;
        }

        public Builder profiles(List<ProfileSpec> profiles) {
            this.profiles.addAll(profiles);
            return this;
        }

        /** Images to measure; default: Fashion-MNIST TEST from {@link FashionMnist#directory()}. */
        public Builder images(Dataset images) {
            this.images = images;
            return this;
        }

        /** Image of sequence 0 (default 0). */
        public Builder startImage(int startImage) {
            this.startImage = startImage;
            return this;
        }

        /** Frames measured per batched forward (default {@value #DEFAULT_BATCH_SIZE}). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the noise (default {@value #DEFAULT_SEED}). Operator seeds come from the profiles. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where operators come from (default the shared cache). */
        public Builder operators(OperatorCache cache) {
            this.operators = cache;
            return this;
        }

        /** Loads the images if none were given; throws if the data set or a profile does not fit. */
        public SensorSimulator build() {
            Dataset data = images;
            if (data == null) {
                try {
                    data = FashionMnist.load(FashionMnist.Split.TEST);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new SensorSimulator(this, data);
        }
    }
}
