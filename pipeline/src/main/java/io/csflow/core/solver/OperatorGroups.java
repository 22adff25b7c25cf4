package io.csflow.core.solver;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch reordered so that records sharing an operator are contiguous. The prior's passes run on
 * the whole batch; the measurement products run once per group on a contiguous block of rows.
 */
final class OperatorGroups {

    /** One operator and the positions [from, to) of its records in the sorted order. */
    record Group(MeasurementOperator operator, int from, int to) {
        int size() {
            return to - from;
        }
    }

    private final List<Observation> sorted;
    private final int[] originalIndex;
    private final List<Group> groups;

    private OperatorGroups(List<Observation> sorted, int[] originalIndex, List<Group> groups) {
        this.sorted = sorted;
        this.originalIndex = originalIndex;
        this.groups = groups;
    }

    static OperatorGroups of(List<Observation> batch) {
        Map<OperatorSpec, List<Integer>> bySpec = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            bySpec.computeIfAbsent(batch.get(i).operator().spec(), s -> new ArrayList<>()).add(i);
        }
        List<Observation> sorted = new ArrayList<>(batch.size());
        int[] original = new int[batch.size()];
        List<Group> groups = new ArrayList<>(bySpec.size());
        for (List<Integer> members : bySpec.values()) {
            int from = sorted.size();
            for (int i : members) {
                original[sorted.size()] = i;
                sorted.add(batch.get(i));
            }
            groups.add(new Group(batch.get(members.get(0)).operator(), from, sorted.size()));
        }
        return new OperatorGroups(List.copyOf(sorted), original, List.copyOf(groups));
    }

    List<Observation> sorted() {
        return sorted;
    }

    List<Group> groups() {
        return groups;
    }

    int size() {
        return sorted.size();
    }

    /** Position in the caller's batch of the record at sorted position {@code i}. */
    int originalIndex(int i) {
        return originalIndex[i];
    }

    /** The sub-batch holding only sorted position {@code i} (for per-record work). */
    OperatorGroups single(int i) {
        Observation o = sorted.get(i);
        return new OperatorGroups(List.of(o), new int[]{originalIndex[i]}, List.of(new Group(o.operator(), 0, 1)));
    }
}
