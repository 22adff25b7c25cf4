package io.csflow.core.learn;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskBufferTest {

    private static final OperatorCache CACHE = new OperatorCache(4);
    private static final MeasurementOperator OP = CACHE.get(OperatorSpec.of("gaussian", 9, 2, 4));

    private static TrainingExample example(int i) {
        return new TrainingExample(OP, new float[]{i, -i}, new float[]{i}, null, "s-" + i);
    }

    @Test
    void windowKeepsTheLatestAndHoldsOutEveryFifth() {
        TaskBuffer b = new TaskBuffer(new TaskSpec("t", "s-.*", 8, TaskSpec.BufferMode.WINDOW), 1, CACHE);
        for (int i = 1; i <= 50; i++) {
            b.add(example(i));
        }
        assertEquals(8, b.size());
        List<TrainingExample> tr = b.training();
        assertEquals(49f, tr.get(tr.size() - 1).z()[0]);
        assertEquals(41f, tr.get(0).z()[0]);   // 50 offered, every 5th held out: 41..49 without 45
        assertEquals(1, b.heldOutSize());       // capacity 8 / 5
        assertEquals(50f, b.heldOut().get(0).z()[0]);
        assertTrue(b.heldOut().get(0).operator() == OP, "operators are rebuilt through the cache");
    }

    @Test
    void reservoirIsUniformishAndRestoresIdentically() {
        TaskSpec spec = new TaskSpec("t", "s-.*", 20, TaskSpec.BufferMode.RESERVOIR);
        TaskBuffer b = new TaskBuffer(spec, 7, CACHE);
        for (int i = 0; i < 1000; i++) {
            b.add(example(i));
        }
        assertEquals(20, b.size());
        int late = 0;
        for (TrainingExample e : b.training()) {
            if (e.z()[0] >= 500) {
                late++;
            }
        }
        assertTrue(late > 3 && late < 17, "reservoir mixes old and new: " + late + " of 20 from the second half");
        TaskBuffer r = new TaskBuffer(spec, 7, CACHE);
        r.restore(b.state());
        for (int k = 0; k < 3; k++) {
            List<TrainingExample> x = b.sample(5);
            List<TrainingExample> y = r.sample(5);
            assertEquals(5, x.size());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(x.get(i).z(), y.get(i).z());
            }
        }
        b.add(example(2000));
        r.add(example(2000));
        assertEquals(b.state(), r.state());
    }

    @Test
    void specMatchesWholeIds() {
        TaskSpec spec = new TaskSpec("t", "cam-\\d+", 4, TaskSpec.BufferMode.WINDOW);
        assertTrue(spec.matches("cam-12"));
        assertFalse(spec.matches("cam-12x"));
        assertFalse(spec.matches(null));
        assertThrows(IllegalArgumentException.class, () -> new TaskSpec("t", "(", 4, TaskSpec.BufferMode.WINDOW));
    }
}
