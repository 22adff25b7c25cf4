package io.csflow.core.operator;

import java.util.Arrays;
import java.util.Locale;

/** The families of measurement operators a sensor may use. Every kind has unit-variance entries. */
public enum OperatorKind {
    /** iid N(0,1) entries, as in the public CSGM / CS-BGM code. */
    GAUSSIAN,
    /** iid +-1 entries. */
    RADEMACHER,
    /** m rows of the orthonormal 2-D DCT, scaled by sqrt(n); applied in O(n log n). */
    SUBSAMPLED_DCT,
    /** Keeps m pixels: row i is sqrt(n) e_{p_i}. */
    INPAINT;

    /** Parses a kind as it appears on the wire; the message lists the valid kinds. */
    public static OperatorKind parse(String name) {
        if (name != null) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // fall through to the message that says what is allowed
            }
        }
        throw new IllegalArgumentException("unknown operator kind '" + name + "': expected one of "
                + Arrays.toString(values()));
    }

    /** Whether m may exceed n. Only dense random operators are defined for m > n. */
    public boolean allowsMoreRowsThanColumns() {
        return this == GAUSSIAN || this == RADEMACHER;
    }
}
