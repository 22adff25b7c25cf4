package io.csflow.stream.flink;

import java.util.Objects;

/**
 * A Kafka record exactly as received (Flink POJO). The value stays undecoded until validation so that a
 * record that cannot be decoded still reaches the dead letters with its bytes, topic, partition and offset.
 */
public class RawRecord {

    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;

    public RawRecord() {
    }

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r && Objects.equals(topic, r.topic) && partition == r.partition
                && offset == r.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }
}
