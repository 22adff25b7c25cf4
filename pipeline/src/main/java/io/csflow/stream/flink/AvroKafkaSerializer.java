package io.csflow.stream.flink;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.wire.AvroWire;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes records to one topic as single-object Avro, with a key chosen per record type. */
public final class AvroKafkaSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final AvroWire<T> wire;
    private final SerializableFunction<T, byte[]> key;

    public AvroKafkaSerializer(String topic, AvroWire<T> wire, SerializableFunction<T, byte[]> key) {
        this.topic = topic;
        this.wire = wire;
        this.key = key;
    }

    /** Keyed by sensor id, like the input, so one sensor's frames stay in one partition and in order. */
    public static AvroKafkaSerializer<Reconstruction> reconstructions(String topic) {
        return new AvroKafkaSerializer<>(topic, AvroWire.reconstructions(),
                r -> r.getSensorId().getBytes(StandardCharsets.UTF_8));
    }

    /** Keyed by the original key (if any), so a replay tool can put the record back where it came from. */
    public static AvroKafkaSerializer<DeadLetter> deadLetters(String topic) {
        return new AvroKafkaSerializer<>(topic, AvroWire.deadLetters(), d -> bytes(d.getKey()));
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.apply(element), wire.encode(element));
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }
}
