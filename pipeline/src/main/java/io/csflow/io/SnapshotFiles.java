package io.csflow.io;

import io.csflow.avro.LayerWeights;
import io.csflow.avro.ModelSnapshot;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Saves a {@link ModelSnapshot} (a version of the generative prior) to a file and loads it back.
 *
 * <p>The file is an Avro object container file (deflate codec) holding exactly one ModelSnapshot record;
 * it embeds its writer schema, so any Avro tool can read it ({@code avro-tools tojson model.avro}).
 * Writes are atomic: the snapshot goes to a temporary file in the same folder that is then renamed, so a
 * reader never sees half a model. Both directions {@linkplain #validate validate} the snapshot.
 */
public final class SnapshotFiles {

    /** Conventional file name suffix. */
    public static final String SUFFIX = ".avro";
    /** Deflate level of the container file: 6 is zlib's default trade-off. */
    public static final int DEFLATE_LEVEL = 6;

    private SnapshotFiles() {
    }

    /** Validates {@code snapshot} and writes it to {@code file} (parent folders are created), replacing it atomically. */
    public static void write(ModelSnapshot snapshot, Path file) throws IOException {
        validate(snapshot);
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (DataFileWriter<ModelSnapshot> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ModelSnapshot.class))) {
                writer.setCodec(CodecFactory.deflateCodec(DEFLATE_LEVEL));
                writer.setMeta("csflow.record", ModelSnapshot.getClassSchema().getFullName());
                writer.create(ModelSnapshot.getClassSchema(), tmp.toFile());
                writer.append(snapshot);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads the snapshot in {@code file}.
     *
     * @throws FileNotFoundException if there is no such file
     * @throws IOException with a message saying what is wrong if the file is not an Avro container file, holds
     *     records of another type or an incompatible schema, holds no or several records, or the snapshot is
     *     inconsistent (see {@link #validate})
     */
    public static ModelSnapshot read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new FileNotFoundException("model snapshot " + file.toAbsolutePath() + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("model snapshot " + file.toAbsolutePath() + " is not a regular file");
        }
        byte[] magic = new byte[DataFileConstants.MAGIC.length];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = in.readNBytes(magic, 0, magic.length);
        }
        if (got < magic.length || !Arrays.equals(magic, DataFileConstants.MAGIC)) {
            throw new IOException(file + " is not an Avro object container file (it does not start with the bytes 'O' 'b' 'j' 0x01);"
                    + " expected a model snapshot written by SnapshotFiles.write / train-prior");
        }
        Schema expected = ModelSnapshot.getClassSchema();
        DataFileReader<ModelSnapshot> opened;
        try {
            opened = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ModelSnapshot.class));
        } catch (IOException | AvroRuntimeException e) {
            throw new IOException(file + " is a damaged Avro file (its header cannot be read): " + e.getMessage(), e);
        }
        try (DataFileReader<ModelSnapshot> reader = opened) {
            Schema writer = reader.getSchema();
            if (writer.getType() != Schema.Type.RECORD || !writer.getFullName().equals(expected.getFullName())) {
                throw new IOException(file + " holds Avro records of type " + describe(writer) + ", not "
                        + expected.getFullName() + ": it is not a model snapshot");
            }
            SchemaCompatibility.SchemaPairCompatibility compat =
                    SchemaCompatibility.checkReaderWriterCompatibility(expected, writer);
            if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IOException(file + " holds " + expected.getFullName() + " records with a schema this version"
                        + " cannot read: " + compat.getDescription());
            }
            if (!reader.hasNext()) {
                throw new IOException(file + " holds no model snapshot (the Avro file is empty)");
            }
            ModelSnapshot snapshot = reader.next();
            if (reader.hasNext()) {
                throw new IOException(file + " holds more than one model snapshot; expected exactly one");
            }
            try {
                validate(snapshot);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " holds an invalid model snapshot: " + e.getMessage(), e);
            }
            return snapshot;
        } catch (AvroRuntimeException e) {
            throw new IOException(file + " is a damaged Avro file: " + e.getMessage(), e);
        }
    }

    /**
     * Checks what the schema cannot: architecture named, latentDim and outputDim positive, version >= 0, layer
     * names unique and non-empty, rows and cols positive, {@code values.size() == rows * cols}, values finite.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    public static void validate(ModelSnapshot s) {
        if (s == null) {
            throw new IllegalArgumentException("model snapshot is null");
        }
        if (s.getVersion() < 0) {
            throw new IllegalArgumentException("version is " + s.getVersion() + ", must be >= 0");
        }
        if (s.getArchitecture() == null || s.getArchitecture().isBlank()) {
            throw new IllegalArgumentException("architecture is not named");
        }
        if (s.getLatentDim() <= 0 || s.getOutputDim() <= 0) {
            throw new IllegalArgumentException("latentDim and outputDim must be positive, got " + s.getLatentDim()
                    + " and " + s.getOutputDim());
        }
        List<LayerWeights> layers = s.getLayers();
        if (layers == null) {
            throw new IllegalArgumentException("layers are missing");
        }
        Set<String> names = new HashSet<>();
        for (LayerWeights l : layers) {
            String name = l.getName();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a layer has no name");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("layer " + name + " appears twice");
            }
            if (l.getRows() <= 0 || l.getCols() <= 0) {
                throw new IllegalArgumentException("layer " + name + " is " + l.getRows() + "x" + l.getCols()
                        + ": rows and cols must be positive");
            }
            List<Float> v = l.getValues();
            long expected = (long) l.getRows() * l.getCols();
            if (v == null || v.size() != expected) {
                throw new IllegalArgumentException("layer " + name + " is " + l.getRows() + "x" + l.getCols() + " but has "
                        + (v == null ? 0 : v.size()) + " values, expected " + expected);
            }
            for (int i = 0; i < v.size(); i++) {
                Float x = v.get(i);
                if (x == null || !Float.isFinite(x)) {
                    throw new IllegalArgumentException("layer " + name + " value " + i + " is " + x + ": weights must be finite");
                }
            }
        }
        if (s.getMetadata() == null) {
            throw new IllegalArgumentException("metadata map is null (use an empty map)");
        }
    }

    private static String describe(Schema s) {
        return s.getType() == Schema.Type.RECORD || s.getType() == Schema.Type.ENUM || s.getType() == Schema.Type.FIXED
                ? s.getFullName() : s.getType().getName();
    }
}
