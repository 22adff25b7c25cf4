package io.csflow.tools;

import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A simulated sensor profile: one or more sensors that measure with the same kind of operator, size and noise.
 *
 * <p>Text form (see {@link #parse}): {@value #SYNTAX}, e.g. {@code cam-a:GAUSSIAN:200:0.1:rate=50:sensors=2:seed=7}.
 *
 * @param name sensor id, or id prefix when {@code sensors > 1}; characters from [a-zA-Z0-9._-]
 * @param kind operator kind
 * @param m measurements per frame (rows of A); n is the image size (784 for Fashion-MNIST)
 * @param noiseStd standard deviation of the additive Gaussian noise (>= 0)
 * @param rate records per second per sensor; 0 = as fast as possible
 * @param truthEvery attach the ground-truth frame and label to every k-th frame (sequence % k == 0); 0 = never
 * @param sensors number of sensors: 1 gives the single sensor {@code name}, N > 1 gives {@code name-0 .. name-(N-1)}
 * @param seed operator seed of the first sensor; sensor i uses {@code seed + i}
 */
public record ProfileSpec(String name, OperatorKind kind, int m, float noiseStd, double rate, int truthEvery,
        int sensors, long seed) {

    /** The text form, as shown in messages and help. */
    public static final String SYNTAX = "NAME:KIND:M:NOISE[:rate=R][:truthEvery=K][:sensors=N][:seed=S]";
    public static final double DEFAULT_RATE = 0;
    public static final int DEFAULT_TRUTH_EVERY = 1;
    public static final int DEFAULT_SENSORS = 1;

    public ProfileSpec {
        if (name == null || !name.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("profile name '" + name + "' must be 1-200 characters from [a-zA-Z0-9._-]");
        }
        if (kind == null) {
            throw new IllegalArgumentException("profile '" + name + "': operator kind is missing");
        }
        if (m <= 0) {
            throw new IllegalArgumentException("profile '" + name + "': m must be positive, got " + m);
        }
        if (!(noiseStd >= 0) || !Float.isFinite(noiseStd)) {
            throw new IllegalArgumentException("profile '" + name + "': noise must be a finite number >= 0, got " + noiseStd);
        }
        if (!(rate >= 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("profile '" + name + "': rate must be a finite number >= 0, got " + rate);
        }
        if (truthEvery < 0) {
            throw new IllegalArgumentException("profile '" + name + "': truthEvery must be >= 0, got " + truthEvery);
        }
        if (sensors < 1) {
            throw new IllegalArgumentException("profile '" + name + "': sensors must be >= 1, got " + sensors);
        }
    }

    /** A profile with one sensor, default rate and truth; seed from the name ({@link #defaultSeed}). */
    public static ProfileSpec of(String name, OperatorKind kind, int m, float noiseStd) {
        return new ProfileSpec(name, kind, m, noiseStd, DEFAULT_RATE, DEFAULT_TRUTH_EVERY, DEFAULT_SENSORS,
                defaultSeed(name));
    }

    /** The seed used when a profile gives none: {@code name.hashCode()} (stable across JVMs and runs). */
    public static long defaultSeed(String name) {
        return name.hashCode();
    }

    /**
     * Parses {@value #SYNTAX}. KIND is GAUSSIAN, RADEMACHER, SUBSAMPLED_DCT or INPAINT (any case); the optional
     * key=value parts may come in any order. Defaults: rate=0 (as fast as possible), truthEvery=1, sensors=1,
     * seed = {@link #defaultSeed}(NAME).
     *
     * @throws IllegalArgumentException naming the part that is wrong and the expected syntax
     */
    public static ProfileSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty profile: expected " + SYNTAX);
        }
        String[] parts = text.trim().split(":", -1);
        if (parts.length < 4) {
            throw error(text, "has " + parts.length + " part" + (parts.length == 1 ? "" : "s")
                    + ", needs at least NAME:KIND:M:NOISE");
        }
        String name = parts[0].trim();
        if (!name.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw error(text, "name '" + name + "' must be 1-200 characters from [a-zA-Z0-9._-]");
        }
        OperatorKind kind;
        try {
            kind = OperatorKind.parse(parts[1]);
        } catch (IllegalArgumentException e) {
            throw error(text, "kind: " + e.getMessage());
        }
        int m = parseInt(text, "m", parts[2]);
        if (m <= 0) {
            throw error(text, "m '" + parts[2].trim() + "' must be a positive integer");
        }
        double noise = parseDouble(text, "noise", parts[3]);
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw error(text, "noise '" + parts[3].trim() + "' must be a finite number >= 0");
        }
        double rate = DEFAULT_RATE;
        int truthEvery = DEFAULT_TRUTH_EVERY;
        int sensors = DEFAULT_SENSORS;
        Long seed = null;
        Set<String> seen = new HashSet<>();
        for (int i = 4; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw error(text, "option '" + part + "' is not key=value (keys: rate, truthEvery, sensors, seed)");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            String canonical = key.toLowerCase(Locale.ROOT);
            if (!seen.add(canonical)) {
                throw error(text, "option '" + key + "' is given twice");
            }
            switch (canonical) {
                case "rate" -> {
                    rate = parseDouble(text, "rate", value);
                    if (!(rate >= 0) || !Double.isFinite(rate)) {
                        throw error(text, "rate '" + value + "' must be a finite number >= 0 (records/s per sensor,"
                                + " 0 = as fast as possible)");
                    }
                }
                case "truthevery" -> {
                    truthEvery = parseInt(text, "truthEvery", value);
                    if (truthEvery < 0) {
                        throw error(text, "truthEvery '" + value + "' must be an integer >= 0 (0 = never)");
                    }
                }
                case "sensors" -> {
                    sensors = parseInt(text, "sensors", value);
                    if (sensors < 1) {
                        throw error(text, "sensors '" + value + "' must be an integer >= 1");
                    }
                }
                case "seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw error(text, "seed '" + value + "' is not an integer");
                    }
                }
                default -> throw error(text, "unknown option '" + key + "' (keys: rate, truthEvery, sensors, seed)");
            }
        }
        return new ProfileSpec(name, kind, m, (float) noise, rate, truthEvery, sensors,
                seed != null ? seed : defaultSeed(name));
    }

    /** Sensor ids of this profile, in order: {@code name} alone, or {@code name-0 .. name-(N-1)}. */
    public List<String> sensorIds() {
        List<String> ids = new ArrayList<>(sensors);
        if (sensors == 1) {
            ids.add(name);
        } else {
            for (int i = 0; i < sensors; i++) {
                ids.add(name + "-" + i);
            }
        }
        return ids;
    }

    /** The operator of sensor {@code index} for images of n pixels: seed + index. */
    public OperatorSpec operator(int index, int n) {
        if (index < 0 || index >= sensors) {
            throw new IllegalArgumentException("profile '" + name + "' has sensors 0.." + (sensors - 1) + ", not " + index);
        }
        try {
            return new OperatorSpec(kind, seed + index, m, n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Back to the text form; {@code parse(toText())} equals this profile. */
    public String toText() {
        return name + ":" + kind + ":" + m + ":" + noiseStd + ":rate=" + rate + ":truthEvery=" + truthEvery
                + ":sensors=" + sensors + ":seed=" + seed;
    }

    private static int parseInt(String text, String what, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw error(text, what + " '" + value.trim() + "' is not an integer");
        }
    }

    private static double parseDouble(String text, String what, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw error(text, what + " '" + value.trim() + "' is not a number");
        }
    }

    private static IllegalArgumentException error(String text, String what) {
        return new IllegalArgumentException("profile '" + text + "': " + what + "; expected " + SYNTAX);
    }
}
