package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;

import java.util.ArrayList;
import java.util.List;

/**
 * Reconstructs a batch so that a record the solver throws on does not fail it, and tells such poison records
 * from a failure of the solver itself. Plain Java: the Flink operator holds one and emits what it returns.
 *
 * <p>When the batch call throws, each record is retried alone, in order. Those that succeed are returned; those
 * that fail again are the records' own fault, and are returned as {@link Poisoned} (for the dead letters), when
 * the service still works for some real record now: another record of the batch succeeded alone, or, when none
 * did, the last record this instance reconstructed (the witness) still succeeds when solved again. Otherwise
 * (every record fails and the witness fails too, or there is no witness yet) the failure is systemic (a broken
 * native library, a broken model...): dead-lettering would swallow the whole stream, so {@link #reconstruct}
 * throws and the task fails as it did before this class existed.
 *
 * <p>Why a witness rather than "dead-letter only when another record of the batch succeeded": at low traffic a
 * batch holds one record, and a lone poison record would then fail the task, be replayed after the restart,
 * fail it again, until the restart attempts run out. The witness is not checkpointed (it is the newest good
 * record, not state worth restoring), so right after a start or restart there is none: a batch whose every record
 * fails then still fails the task; the replay after the restart usually batches the poison with the records that
 * follow it, which the first rule then resolves. Errors (OutOfMemoryError, UnsatisfiedLinkError...) are never
 * caught: they are never a record's fault.
 *
 * <p>Retried records are solved alone, so a batch-scope solver (CS-BGM {@code --scope batch}) adapts to each of
 * them alone; only batches that threw pay for the retries (one solve per record, plus one for the witness).
 */
public final class PoisonIsolation {

    /** A record that fails alone while the solver works for others, with the rejection for its dead letter. */
    public record Poisoned(Measurement measurement, Rejection rejection) {
    }

    /** The reconstructions of the batch's good records, in batch order, and its poison records. */
    public record Outcome(List<Reconstruction> reconstructions, List<Poisoned> poisoned) {
    }

    /** The last record reconstructed (a copy: Avro records are mutable); null until one was. */
    private Measurement witness;

    public Outcome reconstruct(BatchReconstructionService service, List<Measurement> batch) {
        List<Reconstruction> all;
        try {
            all = service.reconstruct(batch);
        } catch (Exception batchFailure) {
            return isolate(service, batch, batchFailure);
        }
        if (!batch.isEmpty()) {
            witness = Measurement.newBuilder(batch.get(batch.size() - 1)).build();
        }
        return new Outcome(all, List.of());
    }

    private Outcome isolate(BatchReconstructionService service, List<Measurement> batch, Exception batchFailure) {
        List<Reconstruction> good = new ArrayList<>(batch.size());
        List<Measurement> failed = new ArrayList<>();
        List<Exception> errors = new ArrayList<>();
        Measurement lastGood = null;
        for (Measurement m : batch) {
            try {
                good.addAll(service.reconstruct(List.of(m)));
                lastGood = m;
            } catch (Exception e) {
                failed.add(m);
                errors.add(e);
            }
        }
        String evidence;
        if (lastGood != null) {
            witness = Measurement.newBuilder(lastGood).build();
            evidence = "other records of its batch were reconstructed";
        } else if (witnessStillSolves(service)) {
            evidence = "the record reconstructed before it (" + describe(witness) + ") still is";
        } else {
            IllegalStateException systemic = new IllegalStateException("reconstruction by " + service.method()
                    + " failed for all " + batch.size() + " record(s) of a batch, also one by one, and "
                    + (witness == null ? "no record has been reconstructed since this instance started, so a bad"
                    + " record cannot be told from a broken solver"
                    : "for the record reconstructed before them (" + describe(witness) + "), so the solver itself"
                    + " fails") + ": failing the task so Flink restarts it from the last checkpoint; check the"
                    + " TaskManager for a broken native library, memory or model; first error: " + batchFailure,
                    batchFailure);
            errors.forEach(e -> {
                if (e != batchFailure) {
                    systemic.addSuppressed(e);
                }
            });
            throw systemic;
        }
        List<Poisoned> poisoned = new ArrayList<>(failed.size());
        for (int i = 0; i < failed.size(); i++) {
            poisoned.add(new Poisoned(failed.get(i), rejection(service, failed.get(i), errors.get(i), evidence)));
        }
        return new Outcome(List.copyOf(good), List.copyOf(poisoned));
    }

    private boolean witnessStillSolves(BatchReconstructionService service) {
        if (witness == null) {
            return false;
        }
        try {
            service.reconstruct(List.of(witness));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static Rejection rejection(BatchReconstructionService service, Measurement m, Exception e, String evidence) {
        return new Rejection(Rejection.Cause.RECONSTRUCTION_FAILED, "reconstruction of " + describe(m) + " by "
                + service.method() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "; the record passed validation and " + evidence + ", so the solver cannot handle this record"
                + " (a solver bug, or an operator it does not support): report it with this dead letter (raw holds"
                + " the Measurement) and replay it once fixed");
    }

    private static String describe(Measurement m) {
        io.csflow.avro.OperatorSpec a = m.getOperator();
        return "sensor '" + m.getSensorId() + "' sequence " + m.getSequence() + ", " + a.getKind() + " seed "
                + a.getSeed() + " m=" + a.getM() + " n=" + a.getN();
    }
}
