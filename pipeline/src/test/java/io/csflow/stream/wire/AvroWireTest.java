package io.csflow.stream.wire;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.LayerWeights;
import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.TestData;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AvroWireTest {

    private final AvroWire<Measurement> wire = AvroWire.measurements();

    @Test
    void roundTripsEveryRecordTypeAndMatchesAvrosOwnEncoding() throws Exception {
        Measurement m = TestData.measurement("s-1", 7);
        byte[] bytes = wire.encode(m);
        assertEquals(m, wire.decode(bytes));
        // interop: Avro's generated toByteBuffer() writes the same bytes
        ByteBuffer avro = m.toByteBuffer();
        assertArrayEquals(bytes, Arrays.copyOfRange(avro.array(), avro.arrayOffset(), avro.arrayOffset() + avro.remaining()));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fp = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(Measurement.getClassSchema()), fp);

        Reconstruction r = Reconstruction.newBuilder().setSensorId("s").setSequence(1).setEventTimeMillis(2)
                .setImage(List.of(0.5f)).setUncertainty(List.of(0f)).setLatent(List.of()).setRelativeResidual(0.1f)
                .setMethod("adjoint").setModelVersion(3).setIterations(0).setMse(0.01f).setLabel(null).build();
        assertEquals(r, AvroWire.reconstructions().decode(AvroWire.reconstructions().encode(r)));
        DeadLetter d = DeadLetter.newBuilder().setRaw(ByteBuffer.wrap(new byte[]{1, 2})).setKey(null)
                .setSourceTopic("t").setSourcePartition(0).setSourceOffset(5).setReason("bad").setFailedAtMillis(9).build();
        assertEquals(d, AvroWire.deadLetters().decode(AvroWire.deadLetters().encode(d)));
        ModelSnapshot s = ModelSnapshot.newBuilder().setVersion(1).setCreatedAtMillis(2).setArchitecture("vae-mlp")
                .setLatentDim(2).setOutputDim(4).setLayers(List.of(LayerWeights.newBuilder().setName("dec.0.W")
                        .setRows(1).setCols(2).setValues(List.of(1f, 2f)).build()))
                .setMetadata(Map.of("epochs", "3")).build();
        assertEquals(s, AvroWire.modelSnapshots().decode(AvroWire.modelSnapshots().encode(s)));
    }

    @Test
    void rejectsValuesThatAreNotSingleObjectEncoded() {
        for (byte[] bad : new byte[][]{null, {}, {(byte) 0xC3, 0x01, 0, 0}, "{\"sensorId\":1}".getBytes(),
                {(byte) 0xC3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0}}) {
            WireException e = assertThrows(WireException.class, () -> wire.decode(bad));
            assertEquals(WireException.Kind.NOT_SINGLE_OBJECT, e.kind());
            assertTrue(e.getMessage().contains("not an Avro single-object encoded Measurement"), e.getMessage());
        }
    }

    @Test
    void rejectsUnknownFingerprintAndNamesBoth() {
        byte[] bytes = wire.encode(TestData.measurement("s", 1));
        bytes[5] ^= 0x55;
        WireException e = assertThrows(WireException.class, () -> wire.decode(bytes));
        assertEquals(WireException.Kind.UNKNOWN_FINGERPRINT, e.kind());
        assertTrue(e.getMessage().contains(String.format("%016x", wire.fingerprint())), e.getMessage());
        // a Reconstruction sent to the measurements topic is also an unknown fingerprint, not a corrupt body
        Reconstruction r = Reconstruction.newBuilder().setSensorId("s").setSequence(1).setEventTimeMillis(2)
                .setImage(List.of()).setUncertainty(List.of()).setLatent(List.of()).setRelativeResidual(0)
                .setMethod("m").setModelVersion(0).setIterations(0).build();
        assertEquals(WireException.Kind.UNKNOWN_FINGERPRINT, assertThrows(WireException.class,
                () -> wire.decode(AvroWire.reconstructions().encode(r))).kind());
    }

    @Test
    void rejectsTruncatedOrPaddedBodies() {
        byte[] bytes = wire.encode(TestData.measurement("s", 1));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 7);
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);
        for (byte[] bad : List.of(truncated, padded, Arrays.copyOf(bytes, 10))) {
            WireException e = assertThrows(WireException.class, () -> wire.decode(bad));
            assertEquals(WireException.Kind.CORRUPT_BODY, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("corrupt Measurement body"), e.getMessage());
        }
    }

    @Test
    void readsOlderWriterSchemaOnlyWhenRegistered() throws Exception {
        // an older Measurement without the optional label field
        Schema old = SchemaBuilder.record("Measurement").namespace("io.csflow.avro").fields()
                .requiredString("sensorId").requiredLong("sequence").requiredLong("eventTimeMillis")
                .name("operator").type(Measurement.getClassSchema().getField("operator").schema()).noDefault()
                .name("y").type().array().items().floatType().noDefault()
                .name("noiseStd").type().floatType().floatDefault(0f)
                .name("truth").type(Measurement.getClassSchema().getField("truth").schema()).withDefault(null)
                .endRecord();
        GenericRecord rec = new GenericData.Record(old);
        Measurement m = TestData.measurement("s", 3);
        rec.put("sensorId", "s");
        rec.put("sequence", 3L);
        rec.put("eventTimeMillis", m.getEventTimeMillis());
        rec.put("operator", m.getOperator());
        rec.put("y", m.getY());
        rec.put("noiseStd", 0f);
        rec.put("truth", null);
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(rec);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        assertEquals(WireException.Kind.UNKNOWN_FINGERPRINT,
                assertThrows(WireException.class, () -> wire.decode(bytes)).kind());
        Measurement decoded = wire.withWriterSchema(old).decode(bytes);
        assertEquals(m.getY(), decoded.getY());
        assertNull(decoded.getLabel());
    }

    @Test
    void survivesJavaSerializationAsFlinkWouldShipIt() throws Exception {
        AvroWire<Measurement> w = wire.withWriterSchema(Measurement.getClassSchema());
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(w);
        }
        @SuppressWarnings("unchecked")
        AvroWire<Measurement> copy = (AvroWire<Measurement>) new ObjectInputStream(
                new ByteArrayInputStream(bos.toByteArray())).readObject();
        Measurement m = TestData.measurement("s", 2);
        assertEquals(m, copy.decode(w.encode(m)));
    }
}
