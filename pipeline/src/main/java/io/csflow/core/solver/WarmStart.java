package io.csflow.core.solver;

import java.util.Locale;

/**
 * Where the z stage starts. {@code RANDOM}: every restart from z ~ N(0, I) (the papers).
 * {@code BANK}: the restarts start from the best of {@code candidates} fixed latents, decoded once per
 * model and scored against each record in measurement space ({@link CandidateBank}), so a record gets the
 * benefit of many restarts for about one product. {@code ENCODER}: restart 0 starts from the VAE encoder's
 * mean of the back-projection clip(A^T y / n, 0, 1), the others at random.
 *
 * @param candidates K, the bank size (ignored by the other kinds)
 */
public record WarmStart(Kind kind, int candidates) {

    public enum Kind { RANDOM, BANK, ENCODER }

    /** Bank size of the defaults: enough for the best candidate to start near its basin (README, tradeoff). */
    public static final int DEFAULT_CANDIDATES = 4096;

    public WarmStart {
        if (kind == null) {
            throw new IllegalArgumentException("warm start kind is missing: use random, bank[:K] or encoder");
        }
        if (kind == Kind.BANK && (candidates < 1 || candidates > 1 << 20)) {
            throw new IllegalArgumentException("a candidate bank needs 1..1048576 candidates, got " + candidates);
        }
    }

    public static WarmStart random() {
        return new WarmStart(Kind.RANDOM, 0);
    }

    public static WarmStart bank(int candidates) {
        return new WarmStart(Kind.BANK, candidates);
    }

    public static WarmStart encoder() {
        return new WarmStart(Kind.ENCODER, 0);
    }

    /** Parses {@code random}, {@code encoder}, {@code bank} or {@code bank:K}; the message says what is accepted. */
    public static WarmStart parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("random")) {
            return random();
        }
        if (s.equals("encoder")) {
            return encoder();
        }
        if (s.equals("bank")) {
            return bank(DEFAULT_CANDIDATES);
        }
        if (s.startsWith("bank:")) {
            try {
                return bank(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("warm start '" + text + "': the bank size after 'bank:' must be "
                        + "an integer, e.g. bank:4096");
            }
        }
        throw new IllegalArgumentException("unknown warm start '" + text + "': expected random, encoder, bank or "
                + "bank:K (K candidates, e.g. bank:4096)");
    }

    @Override
    public String toString() {
        return kind == Kind.BANK ? "bank:" + candidates : kind.name().toLowerCase(Locale.ROOT);
    }
}
