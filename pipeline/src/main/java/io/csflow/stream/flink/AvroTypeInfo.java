package io.csflow.stream.flink;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.ListTypeInfo;

import java.util.List;

/** Type information for Avro records in streams and state, backed by {@link AvroRecordSerializer}. */
public final class AvroTypeInfo<T extends SpecificRecord> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    public static final AvroTypeInfo<Measurement> MEASUREMENT = new AvroTypeInfo<>(Measurement.class);
    public static final AvroTypeInfo<Reconstruction> RECONSTRUCTION = new AvroTypeInfo<>(Reconstruction.class);
    public static final AvroTypeInfo<DeadLetter> DEAD_LETTER = new AvroTypeInfo<>(DeadLetter.class);
    /** A batch as it travels from the batching to the reconstruct operator. */
    public static final TypeInformation<List<Measurement>> MEASUREMENT_BATCH = new ListTypeInfo<>(MEASUREMENT);

    private final Class<T> type;

    public AvroTypeInfo(Class<T> type) {
        this.type = type;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroRecordSerializer<>(type);
    }

    @Override
    public String toString() {
        return "Avro<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroTypeInfo<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof AvroTypeInfo;
    }
}
