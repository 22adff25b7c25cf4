package io.csflow.stream;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;

/** The four Kafka topics of csflow. Defaults are the documented names; deployments may override any of them. */
public record Topics(String measurements, String reconstructions, String deadLetters, String models)
        implements Serializable {

    public static final String DEFAULT_MEASUREMENTS = "cs.measurements";
    public static final String DEFAULT_RECONSTRUCTIONS = "cs.reconstructions";
    public static final String DEFAULT_DEAD_LETTERS = "cs.dead-letters";
    public static final String DEFAULT_MODELS = "cs.models";

    public Topics {
        check("measurements", measurements);
        check("reconstructions", reconstructions);
        check("deadLetters", deadLetters);
        check("models", models);
        // sharing a topic would feed outputs back into inputs or mix record types on one topic
        if (new HashSet<>(all(measurements, reconstructions, deadLetters, models)).size() != 4) {
            throw new IllegalArgumentException("topic names must be distinct, got " + all(measurements,
                    reconstructions, deadLetters, models));
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_MEASUREMENTS, DEFAULT_RECONSTRUCTIONS, DEFAULT_DEAD_LETTERS, DEFAULT_MODELS);
    }

    /** Same names with a prefix, e.g. to give each test its own topics on a shared broker. */
    public Topics withPrefix(String prefix) {
        return new Topics(prefix + measurements, prefix + reconstructions, prefix + deadLetters, prefix + models);
    }

    public List<String> all() {
        return all(measurements, reconstructions, deadLetters, models);
    }

    private static List<String> all(String... names) {
        return List.of(names);
    }

    private static void check(String role, String name) {
        // Kafka's own rule: 1-249 chars of [a-zA-Z0-9._-]
        if (name == null || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("invalid " + role + " topic name '" + name
                    + "': use 1-249 characters from [a-zA-Z0-9._-]");
        }
    }

}
