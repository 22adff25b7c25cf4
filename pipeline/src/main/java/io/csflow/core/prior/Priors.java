package io.csflow.core.prior;

import io.csflow.io.SnapshotFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the trained prior lives and how to load it. */
public final class Priors {

    /** The prior shipped with the repository, trained by {@code csflow train-prior}. */
    public static final Path DEFAULT = Path.of("models", "fmnist-vae.avro");

    private Priors() {
    }

    /**
     * Loads a prior snapshot file. Relative paths are tried from the working directory and its parent,
     * so both the repository root and the {@code pipeline} module (where tests run) find the default.
     */
    public static VaePrior load(Path file) {
        Path resolved = resolve(file);
        try {
            return VaePrior.fromSnapshot(SnapshotFiles.read(resolved));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prior " + resolved + ": " + e.getMessage()
                    + " (train one with `./csflow train-prior`)", e);
        }
    }

    public static VaePrior loadDefault() {
        return load(DEFAULT);
    }

    public static Path resolve(Path file) {
        if (file.isAbsolute() || Files.exists(file)) {
            return file;
        }
        Path parent = Path.of("..").resolve(file);
        return Files.exists(parent) ? parent : file;
    }
}
