package io.csflow.cli;

import java.io.PrintStream;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long CLI steps, a thin wrapper of {@link ProgressBar}.
 *
 * <p>On a terminal it redraws in place in colour. When stderr goes to a file or pipe (CI, logs, {@code | tee}) it
 * uses the ASCII style and prints a plain line at most every {@value #LOG_INTERVAL_MILLIS} ms and at the end, so logs
 * stay readable. {@code CSFLOW_PROGRESS=off} turns bars off entirely.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("Training", epochs * batches)) {
 *     for (...) { ...; p.step(); }
 *     p.message("loss " + loss);
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    /** Environment variable: {@code off} (or {@code 0}, {@code false}) disables progress bars. */
    public static final String ENV_VAR = "CSFLOW_PROGRESS";
    static final int LOG_INTERVAL_MILLIS = 10_000;
    static final int LOG_LINE_LENGTH = 120;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a bar for {@code total} steps ({@code total <= 0}: unknown total). */
    public static Progress start(String task, long total) {
        if (!enabled()) {
            return none();
        }
        if (interactive()) {
            return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(200).build());
        }
        PrintStream err = System.err;
        return start(task, total, err::println, LOG_INTERVAL_MILLIS);
    }

    /** A bar that prints whole lines to {@code sink}, ASCII style, at most every {@code intervalMillis}. */
    static Progress start(String task, long total, Consumer<String> sink, int intervalMillis) {
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(intervalMillis)
                .setConsumer(new DelegatingProgressBarConsumer(sink, LOG_LINE_LENGTH)).build());
    }

    /** A progress that shows nothing. */
    public static Progress none() {
        return new Progress(null);
    }

    /** Whether stderr is probably a terminal (the JVM has a console). */
    public static boolean interactive() {
        return System.console() != null;
    }

    /** False when {@value #ENV_VAR} is off, 0 or false. */
    public static boolean enabled() {
        String v = System.getenv(ENV_VAR);
        return v == null || !(v.equalsIgnoreCase("off") || v.equals("0") || v.equalsIgnoreCase("false"));
    }

    public Progress step() {
        if (bar != null) {
            bar.step();
        }
        return this;
    }

    public Progress stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
        return this;
    }

    public Progress stepTo(long n) {
        if (bar != null) {
            bar.stepTo(n);
        }
        return this;
    }

    /** Sets the total when it becomes known or changes. */
    public Progress total(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
        return this;
    }

    /** Text shown after the bar, e.g. the current loss. */
    public Progress message(String extra) {
        if (bar != null) {
            bar.setExtraMessage(extra == null ? "" : extra);
        }
        return this;
    }

    public long current() {
        return bar == null ? 0 : bar.getCurrent();
    }

    /** Draws the final state and ends the bar. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
