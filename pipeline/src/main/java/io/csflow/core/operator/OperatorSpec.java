package io.csflow.core.operator;

/**
 * Names a measurement operator A (m x n). The spec is all a record carries: every implementation,
 * in any language, builds the same matrix from it (see README, "Measurement operators").
 */
public record OperatorSpec(OperatorKind kind, long seed, int m, int n) {

    public OperatorSpec {
        if (kind == null) {
            throw new IllegalArgumentException("operator kind is missing");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("operator n must be positive, got n=" + n);
        }
        if (m <= 0) {
            throw new IllegalArgumentException("operator m must be positive, got m=" + m);
        }
        if (m > n && !kind.allowsMoreRowsThanColumns()) {
            throw new IllegalArgumentException(kind + " operator needs m <= n, got m=" + m + " > n=" + n);
        }
    }

    public static OperatorSpec of(String kind, long seed, int m, int n) {
        return new OperatorSpec(OperatorKind.parse(kind), seed, m, n);
    }

    @Override
    public String toString() {
        return kind + "(seed=" + seed + ", m=" + m + ", n=" + n + ")";
    }
}
