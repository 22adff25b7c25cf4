package io.csflow.stream.flink;

import io.csflow.stream.wire.AvroWire;
import io.csflow.stream.wire.WireException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink serializer for Avro specific records (state and network), written as length-prefixed single-object
 * encoding. We don't depend on flink-avro, and Kryo cannot handle Avro's GenericData.Array (it carries a Schema).
 * Because every value carries its schema fingerprint, state written by an older schema stays readable as long as
 * the {@link AvroWire} knows that schema; the snapshot only has to record the class.
 */
public final class AvroRecordSerializer<T extends SpecificRecord> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final AvroWire<T> wire;

    public AvroRecordSerializer(Class<T> type) {
        this(AvroWire.of(type));
    }

    public AvroRecordSerializer(AvroWire<T> wire) {
        this.wire = wire;
    }

    public Class<T> type() {
        return wire.type();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // stateless: AvroWire decodes thread-safely
    }

    @Override
    public T createInstance() {
        @SuppressWarnings("unchecked")
        T t = (T) SpecificData.newInstance(wire.type(), wire.schema());
        return t;
    }

    @Override
    public T copy(T from) {
        return SpecificData.getForClass(wire.type()).deepCopy(wire.schema(), from);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] bytes = wire.encode(record);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try {
            return wire.decode(bytes);
        } catch (WireException e) {
            throw new IOException("cannot restore " + wire.type().getSimpleName() + " from Flink state/network: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroRecordSerializer<?> other && other.wire.type().equals(wire.type());
    }

    @Override
    public int hashCode() {
        return wire.type().hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(wire.type());
    }

    /** Records only the class: the per-value fingerprints carry the schema. */
    public static final class Snapshot<T extends SpecificRecord> implements TypeSerializerSnapshot<T> {

        private Class<T> type;

        /** Used by Flink on restore. */
        public Snapshot() {
        }

        Snapshot(Class<T> type) {
            this.type = type;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                throw new IOException("state was written for Avro class " + name + ", which is not on the classpath", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new AvroRecordSerializer<>(type);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            return old instanceof Snapshot<?> s && type.equals(s.type)
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
