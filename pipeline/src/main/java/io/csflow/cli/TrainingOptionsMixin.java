package io.csflow.cli;

import io.csflow.core.learn.OnlineTrainer;
import io.csflow.core.learn.TaskSpec;
import io.csflow.stream.TrainingConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Online adaptation of the prior as command-line options: off unless at least one task is named. */
public final class TrainingOptionsMixin {

    @Option(names = "--train-task", paramLabel = "NAME=REGEX", description = "Adapt the prior online with a task per "
            + "sensor group: sensors whose id matches REGEX (whole id) form task NAME (repeatable; none: training off).")
    Map<String, String> tasks = new LinkedHashMap<>();

    @Option(names = "--weighting", description = "How task gradients combine: nash-mtl, mgda, linear, scale-invariant "
            + "(default: ${DEFAULT-VALUE}).")
    String weighting = "nash-mtl";

    @Option(names = "--weighting-every", description = "Recompute Nash-MTL's weights every k steps, reusing them in "
            + "between (default: ${DEFAULT-VALUE}).")
    int weightingEvery = 1;

    @Option(names = "--train-optimizer", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer = "adam";

    @Option(names = "--train-lr", description = "Learning rate of the online steps (default: ${DEFAULT-VALUE}).")
    double learningRate = 3e-5;

    @Option(names = "--anti-pgd-noise", description = "Anti-PGD noise scale s; 0 turns it off (default: ${DEFAULT-VALUE}).")
    double noise = 0;

    @Option(names = "--max-grad-norm", description = "Clip the combined direction to this norm; 0 = off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm = 0;

    @Option(names = "--train-batch", description = "Examples per task per step (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--task-capacity", description = "Examples kept per task (default: ${DEFAULT-VALUE}).")
    int capacity = 256;

    @Option(names = "--task-buffer", description = "How a task keeps its recent examples: RESERVOIR (a uniform sample "
            + "of all seen) or WINDOW (the latest) (default: ${DEFAULT-VALUE}).")
    TaskSpec.BufferMode bufferMode = TaskSpec.BufferMode.RESERVOIR;

    @Option(names = "--publish-every", description = "Steps between candidate versions (default: ${DEFAULT-VALUE}).")
    int publishEvery = 50;

    @Option(names = "--guard-margin", description = "A candidate may raise a task's held-out loss by at most this "
            + "fraction (default: ${DEFAULT-VALUE}).")
    double guardMargin = 0.05;

    /** The training configuration, or null when no task was named. */
    public TrainingConfig config(String priorPath, long seed) {
        if (tasks.isEmpty()) {
            return null;
        }
        List<TaskSpec> specs = new ArrayList<>();
        tasks.forEach((name, pattern) -> specs.add(new TaskSpec(name, pattern, capacity, bufferMode)));
        return TrainingConfig.of(priorPath, new OnlineTrainer.Config(specs, weighting, optimizer, learningRate, noise,
                maxGradNorm, batch, publishEvery, guardMargin, seed, weightingEvery));
    }
}
