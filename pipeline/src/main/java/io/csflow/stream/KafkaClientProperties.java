package io.csflow.stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Extra Kafka client settings (TLS, SASL, timeouts, client ids) that every Kafka client csflow creates takes on
 * top of its own: the job's sources and sinks, the models reader, the trainer's sink, the simulator's producer,
 * the consumer and the topic admin. The one place client configurations are put together.
 *
 * <p>Precedence, lowest first: the client's own settings (e.g. acks=all, isolation.level=read_committed,
 * client.id) &lt; entries of {@code --kafka-properties FILE} &lt; {@code --kafka-property KEY=VALUE}
 * (later ones win) &lt; the few settings a client cannot work without, which it sets last and documents (the
 * models source never commits offsets). An extra property that replaces a client's own setting is logged.
 * The connection and identity keys are not accepted here because an option owns each of them
 * ({@link #RESERVED}).
 *
 * <p>Values of secret keys (passwords, JAAS configurations, private keys, tokens) never appear in logs or
 * messages: {@link #toString()} and every log line mask them.
 */
public final class KafkaClientProperties implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientProperties.class);

    /** Keys set by a dedicated option or by the client itself, with what to use instead. */
    public static final Map<String, String> RESERVED = reserved();

    /** Matches keys whose values are secrets: passwords, JAAS configurations, PEM private keys, tokens. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|secret|jaas\\.config|credential|token|private).*|.*\\.key");
    static final String MASK = "[hidden]";

    private static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    private final Map<String, String> values;

    private KafkaClientProperties(Map<String, String> values) {
        this.values = values;
    }

    public static KafkaClientProperties none() {
        return NONE;
    }

    /** Checks every key; insertion order is kept (it is the order properties are logged in). */
    public static KafkaClientProperties of(Map<String, String> properties) {
        if (properties == null || properties.isEmpty()) {
            return NONE;
        }
        Map<String, String> copy = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            checkKey(k, "a Kafka property");
            if (v == null) {
                throw new IllegalArgumentException("Kafka property '" + k + "' has no value");
            }
            copy.put(k.trim(), v);
        });
        return new KafkaClientProperties(Collections.unmodifiableMap(copy));
    }

    /**
     * The command line's view: the file's entries (if a file is given), then each {@code KEY=VALUE}, later ones
     * overriding earlier ones.
     */
    public static KafkaClientProperties fromCommandLine(Path file, List<String> keyValues) {
        Map<String, String> all = new LinkedHashMap<>();
        if (file != null) {
            all.putAll(load(file).values);
        }
        if (keyValues != null) {
            for (String kv : keyValues) {
                String[] entry = parse(kv);
                all.remove(entry[0]); // a re-set key moves to the end: the logged order is the applied order
                all.put(entry[0], entry[1]);
            }
        }
        return of(all);
    }

    /** Parses one {@code KEY=VALUE}; the value may contain '=' (JAAS configurations do). */
    public static String[] parse(String keyValue) {
        int eq = keyValue == null ? -1 : keyValue.indexOf('=');
        if (eq <= 0 || keyValue.substring(0, eq).isBlank()) {
            throw new IllegalArgumentException("--kafka-property expects KEY=VALUE, e.g. security.protocol=SASL_SSL, "
                    + "got '" + maskedArgument(keyValue) + "'"
                    + (keyValue != null && keyValue.contains(":") ? " (use '=', not ':')" : ""));
        }
        String key = keyValue.substring(0, eq).trim();
        checkKey(key, "--kafka-property");
        return new String[] {key, keyValue.substring(eq + 1)};
    }

    /** A Java properties file (the format of Kafka's own client.properties files). */
    public static KafkaClientProperties load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--kafka-properties: no such file " + file.toAbsolutePath()
                    + " (give a Java properties file with one KEY=VALUE per line)");
        } catch (IOException e) {
            throw new UncheckedIOException("--kafka-properties: cannot read " + file.toAbsolutePath(), e);
        }
        // sorted: Properties has no order, and a stable order makes the logs comparable between runs
        Map<String, String> m = new LinkedHashMap<>();
        new TreeMap<>(p).forEach((k, v) -> {
            checkKey((String) k, "--kafka-properties " + file);
            m.put(((String) k).trim(), ((String) v).trim());
        });
        return of(m);
    }

    /**
     * Checks the values against Kafka's own producer, consumer and admin definitions (e.g. an unknown
     * security.protocol), so a mistake fails where it is typed rather than in a task on a TaskManager. Unknown
     * keys pass: Kafka only warns about them, and plug-ins (e.g. a SASL callback handler) define their own.
     */
    public KafkaClientProperties checked() {
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef())) {
            Map<String, Object> probe = new LinkedHashMap<>(values);
            probe.put("bootstrap.servers", "localhost:9092");
            probe.put("key.serializer", ByteArraySerializer.class.getName());
            probe.put("value.serializer", ByteArraySerializer.class.getName());
            probe.put("key.deserializer", ByteArrayDeserializer.class.getName());
            probe.put("value.deserializer", ByteArrayDeserializer.class.getName());
            try {
                def.parse(probe);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("Kafka client property: " + withoutSecrets(e.getMessage()), e);
            }
        }
        return this;
    }

    /** This set with {@code later}'s entries on top. */
    public KafkaClientProperties overriddenBy(KafkaClientProperties later) {
        Map<String, String> m = new LinkedHashMap<>(values);
        later.values.forEach((k, v) -> {
            m.remove(k);
            m.put(k, v);
        });
        return of(m);
    }

    /**
     * A plain client's configuration: {@code own} (the client's settings, including bootstrap.servers), then
     * these properties on top. {@code client} names the client in the log lines.
     */
    public Map<String, Object> clientConfig(String client, Map<String, ?> own) {
        Map<String, Object> config = new LinkedHashMap<>(own);
        values.forEach((k, v) -> {
            Object previous = config.put(k, v);
            logOverride(client, k, previous, v);
        });
        return config;
    }

    /**
     * For builders (Flink's KafkaSource and KafkaSink): sets {@code own} through {@code setter}, then these
     * properties on top, logging the ones that replace an own setting.
     */
    public void applyTo(String client, Map<String, String> own, BiConsumer<String, String> setter) {
        clientConfig(client, own).forEach((k, v) -> setter.accept(k, String.valueOf(v)));
    }

    public Map<String, String> asMap() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** The value as it may be logged: secrets replaced by {@value #MASK}. */
    public static String masked(String key, Object value) {
        return isSecret(key) ? MASK : String.valueOf(value);
    }

    /** Masked, so it can be logged. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(masked(k, v)));
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientProperties other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    private static void logOverride(String client, String key, Object previous, String value) {
        if (previous == null) {
            LOG.info("Kafka client {}: {}={} (pass-through)", client, key, masked(key, value));
        } else if (!previous.toString().equals(value)) {
            LOG.warn("Kafka client {}: pass-through {}={} replaces csflow's {}", client, key, masked(key, value),
                    masked(key, previous));
        }
    }

    private static void checkKey(String key, String where) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(where + ": empty Kafka property name");
        }
        String use = RESERVED.get(key.trim());
        if (use != null) {
            throw new IllegalArgumentException(where + ": '" + key.trim() + "' cannot be passed through; " + use);
        }
    }

    /** Kafka masks its password-typed values itself; this also covers secrets it does not know as such. */
    private String withoutSecrets(String message) {
        String m = String.valueOf(message);
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (isSecret(e.getKey()) && !e.getValue().isEmpty()) {
                m = m.replace(e.getValue(), MASK);
            }
        }
        return m;
    }

    /** A malformed argument may be a secret typed with the wrong separator: show only its first characters. */
    private static String maskedArgument(String arg) {
        if (arg == null) {
            return "null";
        }
        return isSecret(arg) && arg.length() > 16 ? arg.substring(0, 16) + "..." : arg;
    }

    private static Map<String, String> reserved() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", "use --bootstrap-servers");
        m.put("group.id", "use --group-id");
        m.put("transactional.id", "the job's sinks derive it from --transactional-id-prefix");
        for (String k : Set.of("key.serializer", "value.serializer", "key.deserializer", "value.deserializer")) {
            m.put(k, "csflow's records are Avro bytes and every client sets its own (de)serializers");
        }
        return Collections.unmodifiableMap(m);
    }
}
