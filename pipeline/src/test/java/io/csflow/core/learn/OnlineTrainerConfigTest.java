package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OnlineTrainerConfigTest {

    private static final List<TaskSpec> TASKS = List.of(new TaskSpec("a", "a-.*", 16, TaskSpec.BufferMode.WINDOW));

    @Test
    void weightsAreRecomputedEveryStepUnlessToldOtherwise() {
        OnlineTrainer.Config c = new OnlineTrainer.Config(TASKS, "nash-mtl", "adam", 1e-4, 0, 0, 4, 10, 0.05, 1);
        assertEquals(1, c.weightingEvery());
        assertEquals(3, new OnlineTrainer.Config(TASKS, "nash-mtl", "adam", 1e-4, 0, 0, 4, 10, 0.05, 1, 3)
                .weightingEvery());
    }

    @Test
    void aRecomputeIntervalBelowOneIsRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OnlineTrainer.Config(TASKS, "nash-mtl", "adam", 1e-4, 0, 0, 4, 10, 0.05, 1, 0));
        assertEquals("weightingEvery must be >= 1 (1 = every step), got 0", e.getMessage());
    }
}
