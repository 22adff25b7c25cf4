package io.csflow.core.learn;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One task of the multi-task trainer: the examples of the sensors whose id matches a regular expression
 * (whole id), kept in a bounded buffer.
 */
public record TaskSpec(String name, String sensorPattern, int capacity, BufferMode mode) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How a full buffer makes room: uniform reservoir sampling over everything seen, or the latest only. */
    public enum BufferMode { RESERVOIR, WINDOW }

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    public TaskSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("task name is missing");
        }
        if (sensorPattern == null) {
            throw new IllegalArgumentException("task " + name + " has no sensor pattern");
        }
        try {
            Pattern.compile(sensorPattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("task " + name + ": bad sensor pattern: " + e.getMessage(), e);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("task " + name + ": buffer capacity must be >= 1, got " + capacity);
        }
        if (mode == null) {
            throw new IllegalArgumentException("task " + name + " has no buffer mode (RESERVOIR or WINDOW)");
        }
    }

    /** True when the whole sensor id matches the pattern. */
    public boolean matches(String sensorId) {
        return sensorId != null && PATTERNS.computeIfAbsent(sensorPattern, Pattern::compile).matcher(sensorId).matches();
    }
}
