package io.csflow.core.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * The default method: CSGM for records with few measurements, CS-BGM from {@code crossoverM} on.
 * Adapting the generator's weights needs enough measurements to constrain them; below the
 * crossover (measured by {@code csflow evaluate}, see README) the theta stage over-fits the noise.
 */
public final class AutoReconstructor implements Reconstructor {

    private final Reconstructor few;
    private final Reconstructor many;
    private final int crossoverM;

    public AutoReconstructor(Reconstructor few, Reconstructor many, int crossoverM) {
        if (crossoverM < 1) {
            throw new IllegalArgumentException("crossover m must be >= 1, got " + crossoverM);
        }
        this.few = few;
        this.many = many;
        this.crossoverM = crossoverM;
    }

    @Override
    public String method() {
        return "auto";
    }

    /** Which method a record with m measurements gets. */
    public String methodFor(int m) {
        return m < crossoverM ? few.method() : many.method();
    }

    @Override
    public List<Estimate> reconstruct(List<Observation> batch) {
        List<Observation> low = new ArrayList<>();
        List<Observation> high = new ArrayList<>();
        for (Observation o : batch) {
            (o.operator().m() < crossoverM ? low : high).add(o);
        }
        List<Estimate> lowOut = low.isEmpty() ? List.of() : few.reconstruct(low);
        List<Estimate> highOut = high.isEmpty() ? List.of() : many.reconstruct(high);
        List<Estimate> out = new ArrayList<>(batch.size());
        int li = 0;
        int hi = 0;
        for (Observation o : batch) {
            out.add(o.operator().m() < crossoverM ? lowOut.get(li++) : highOut.get(hi++));
        }
        return out;
    }
}
