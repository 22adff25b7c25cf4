package io.csflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.LayerWeights;
import io.csflow.avro.ModelSnapshot;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFilesTest {

    @TempDir
    Path tmp;

    static ModelSnapshot snapshot(long version) {
        List<LayerWeights> layers = new ArrayList<>();
        layers.add(layer("dec.0.W", 3, 2, 0.5f));
        layers.add(layer("dec.0.b", 1, 2, -1f));
        return ModelSnapshot.newBuilder()
                .setVersion(version)
                .setCreatedAtMillis(1_700_000_000_000L)
                .setArchitecture("vae-mlp")
                .setLatentDim(3)
                .setOutputDim(2)
                .setLayers(layers)
                .setMetadata(Map.of("epochs", "5", "data", "fashion-mnist train"))
                .build();
    }

    static LayerWeights layer(String name, int rows, int cols, float scale) {
        List<Float> v = new ArrayList<>();
        for (int i = 0; i < rows * cols; i++) {
            v.add(scale * i);
        }
        return LayerWeights.newBuilder().setName(name).setRows(rows).setCols(cols).setValues(v).build();
    }

    @Test
    void roundTrip() throws IOException {
        ModelSnapshot s = snapshot(7);
        Path file = tmp.resolve("models/prior-v7.avro");
        SnapshotFiles.write(s, file);
        ModelSnapshot back = SnapshotFiles.read(file);
        assertEquals(s, back);
        assertEquals(2.5f, back.getLayers().get(0).getValues().get(5));
        assertEquals("5", back.getMetadata().get("epochs"));

        // overwriting replaces the file and leaves no temporary files behind
        SnapshotFiles.write(snapshot(8), file);
        assertEquals(8, SnapshotFiles.read(file).getVersion());
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void missingFile() {
        Path file = tmp.resolve("nope.avro");
        IOException e = assertThrows(FileNotFoundException.class, () -> SnapshotFiles.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void notAnAvroFile() throws IOException {
        Path file = tmp.resolve("text.avro");
        Files.writeString(file, "{\"version\": 1}");
        IOException e = assertThrows(IOException.class, () -> SnapshotFiles.read(file));
        assertTrue(e.getMessage().contains("not an Avro object container file"), e.getMessage());

        Path empty = Files.createFile(tmp.resolve("empty.avro"));
        e = assertThrows(IOException.class, () -> SnapshotFiles.read(empty));
        assertTrue(e.getMessage().contains("not an Avro object container file"), e.getMessage());

        // right magic, garbage after it
        Path damaged = tmp.resolve("damaged.avro");
        Files.write(damaged, new byte[] {'O', 'b', 'j', 1, 5, 5, 5, 5, 5, 5});
        e = assertThrows(IOException.class, () -> SnapshotFiles.read(damaged));
        assertTrue(e.getMessage().contains(damaged + " is a damaged Avro file"), e.getMessage());
    }

    @Test
    void wrongRecordType() throws IOException {
        Path file = tmp.resolve("deadletter.avro");
        DeadLetter d = DeadLetter.newBuilder().setRaw(ByteBuffer.wrap(new byte[] {1})).setSourceTopic("t")
                .setSourcePartition(0).setSourceOffset(1).setReason("r").setFailedAtMillis(2).build();
        try (DataFileWriter<DeadLetter> w = new DataFileWriter<>(new SpecificDatumWriter<>(DeadLetter.class))) {
            w.create(DeadLetter.getClassSchema(), file.toFile());
            w.append(d);
        }
        IOException e = assertThrows(IOException.class, () -> SnapshotFiles.read(file));
        assertTrue(e.getMessage().contains("io.csflow.avro.DeadLetter, not io.csflow.avro.ModelSnapshot"), e.getMessage());
    }

    @Test
    void incompatibleSchema() throws IOException {
        Schema other = SchemaBuilder.record("ModelSnapshot").namespace("io.csflow.avro").fields()
                .requiredString("architecture").endRecord();
        GenericRecord r = new GenericData.Record(other);
        r.put("architecture", "x");
        Path file = tmp.resolve("old.avro");
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(other))) {
            w.create(other, file.toFile());
            w.append(r);
        }
        IOException e = assertThrows(IOException.class, () -> SnapshotFiles.read(file));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void severalOrNoRecords() throws IOException {
        Path two = tmp.resolve("two.avro");
        try (DataFileWriter<ModelSnapshot> w = new DataFileWriter<>(new SpecificDatumWriter<>(ModelSnapshot.class))) {
            w.create(ModelSnapshot.getClassSchema(), two.toFile());
            w.append(snapshot(1));
            w.append(snapshot(2));
        }
        IOException e = assertThrows(IOException.class, () -> SnapshotFiles.read(two));
        assertTrue(e.getMessage().contains("more than one"), e.getMessage());

        Path none = tmp.resolve("none.avro");
        try (DataFileWriter<ModelSnapshot> w = new DataFileWriter<>(new SpecificDatumWriter<>(ModelSnapshot.class))) {
            w.create(ModelSnapshot.getClassSchema(), none.toFile());
        }
        e = assertThrows(IOException.class, () -> SnapshotFiles.read(none));
        assertTrue(e.getMessage().contains("no model snapshot"), e.getMessage());
    }

    @Test
    void inconsistentSnapshotsAreRefused() throws IOException {
        ModelSnapshot bad = snapshot(1);
        bad.getLayers().get(0).setRows(4); // 4x2 but 6 values
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotFiles.write(bad, tmp.resolve("bad.avro")));
        assertTrue(e.getMessage().contains("dec.0.W is 4x2 but has 6 values"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("bad.avro")));

        ModelSnapshot dup = snapshot(1);
        dup.getLayers().add(layer("dec.0.b", 1, 2, 1f));
        assertThrows(IllegalArgumentException.class, () -> SnapshotFiles.validate(dup));

        ModelSnapshot nan = snapshot(1);
        nan.getLayers().get(1).getValues().set(0, Float.NaN);
        assertThrows(IllegalArgumentException.class, () -> SnapshotFiles.validate(nan));

        // a bad snapshot written by someone else is caught on read
        Path file = tmp.resolve("foreign.avro");
        try (DataFileWriter<ModelSnapshot> w = new DataFileWriter<>(new SpecificDatumWriter<>(ModelSnapshot.class))) {
            w.create(ModelSnapshot.getClassSchema(), file.toFile());
            w.append(bad);
        }
        IOException io = assertThrows(IOException.class, () -> SnapshotFiles.read(file));
        assertTrue(io.getMessage().contains("invalid model snapshot"), io.getMessage());
    }
}
