package io.csflow.stream.wire;

/** A Kafka value that {@link AvroWire} could not decode; {@link #kind()} says which step failed. */
public final class WireException extends Exception {

    /** The three ways a value can fail to decode; callers route them to different dead-letter reasons. */
    public enum Kind {
        /** Missing or wrong C3 01 marker, or shorter than the 10-byte header: not Avro single-object at all. */
        NOT_SINGLE_OBJECT,
        /** Header is fine but the writer-schema fingerprint is not one this reader knows. */
        UNKNOWN_FINGERPRINT,
        /** Header and fingerprint fine, but the body does not parse against the writer schema. */
        CORRUPT_BODY
    }

    private final Kind kind;

    public WireException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
