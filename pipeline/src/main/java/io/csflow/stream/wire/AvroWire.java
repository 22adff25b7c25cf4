package io.csflow.stream.wire;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Avro single-object encoding (C3 01, 8-byte little-endian CRC-64-AVRO fingerprint, binary body) of one
 * record class. Encoding uses Avro's {@link BinaryMessageEncoder}, so other Avro libraries read our bytes.
 * Decoding is done here rather than by {@code BinaryMessageDecoder} because we need to tell apart the three
 * failure kinds (Avro throws a mix of runtime exceptions) and to reject trailing bytes, which Avro ignores.
 *
 * <p>Serializable so Flink functions can carry it; the codec state is rebuilt lazily after deserialization.
 * Decoding is thread-safe; older writer schemas can be added with {@link #withWriterSchema(Schema)}.
 */
public final class AvroWire<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final Class<T> type;
    /** Extra writer schemas as JSON (Schema is not Serializable in all Avro versions). */
    private final Map<Long, String> extraWriterSchemas;
    private transient volatile Codec<T> codec;

    private AvroWire(Class<T> type, Map<Long, String> extraWriterSchemas) {
        this.type = type;
        this.extraWriterSchemas = extraWriterSchemas;
    }

    public static <T extends SpecificRecord> AvroWire<T> of(Class<T> type) {
        return new AvroWire<>(type, new HashMap<>());
    }

    public static AvroWire<Measurement> measurements() {
        return of(Measurement.class);
    }

    public static AvroWire<Reconstruction> reconstructions() {
        return of(Reconstruction.class);
    }

    public static AvroWire<DeadLetter> deadLetters() {
        return of(DeadLetter.class);
    }

    public static AvroWire<ModelSnapshot> modelSnapshots() {
        return of(ModelSnapshot.class);
    }

    /** Returns a wire that also accepts records written with an older (compatible) schema. */
    public AvroWire<T> withWriterSchema(Schema writer) {
        Map<Long, String> more = new HashMap<>(extraWriterSchemas);
        more.put(SchemaNormalization.parsingFingerprint64(writer), writer.toString());
        return new AvroWire<>(type, more);
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return codec().readerSchema;
    }

    /** The CRC-64-AVRO fingerprint written into every header by {@link #encode}. */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema());
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = codec().encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            // only happens for records the schema cannot hold (e.g. a null in a non-null field): a bug upstream
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public T decode(byte[] bytes) throws WireException {
        String what = type.getSimpleName();
        if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new WireException(WireException.Kind.NOT_SINGLE_OBJECT, "value is not an Avro single-object encoded "
                    + what + " (" + describeHeader(bytes) + "); producers must write it with Avro's"
                    + " BinaryMessageEncoder (" + what + ".toByteBuffer())", null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = codec().readers.get(fingerprint);
        if (reader == null) {
            throw new WireException(WireException.Kind.UNKNOWN_FINGERPRINT, "unknown writer schema fingerprint "
                    + hex(fingerprint) + " for " + what + " (this job reads " + hex(fingerprint()) + "); the producer"
                    + " uses a schema this job was not built with: deploy the job with that schema or fix the producer",
                    null);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
                    bytes.length - HEADER_LENGTH, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes after the record");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            throw new WireException(WireException.Kind.CORRUPT_BODY, "corrupt " + what + " body ("
                    + (bytes.length - HEADER_LENGTH) + " bytes after a valid header, fingerprint " + hex(fingerprint)
                    + "): " + e + "; the record was truncated or altered in transit, or the producer is buggy", e);
        }
    }

    private static String describeHeader(byte[] bytes) {
        if (bytes == null) {
            return "null value";
        }
        int shown = Math.min(bytes.length, 4);
        return bytes.length + " bytes starting with "
                + (shown == 0 ? "nothing" : HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown));
    }

    private static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    private Codec<T> codec() {
        Codec<T> c = codec;
        if (c == null) {
            c = new Codec<>(type, extraWriterSchemas);
            codec = c;
        }
        return c;
    }

    /** The non-serializable part, built once per JVM instance of this wire. */
    private static final class Codec<T> {
        final Schema readerSchema;
        final BinaryMessageEncoder<T> encoder;
        final Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();

        Codec(Class<T> type, Map<Long, String> extraWriterSchemas) {
            SpecificData model = SpecificData.getForClass(type);
            this.readerSchema = model.getSchema(type);
            this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
            readers.put(SchemaNormalization.parsingFingerprint64(readerSchema),
                    new SpecificDatumReader<>(readerSchema, readerSchema, model));
            extraWriterSchemas.forEach((fp, json) -> readers.put(fp,
                    new SpecificDatumReader<>(new Schema.Parser().parse(json), readerSchema, model)));
        }
    }
}
