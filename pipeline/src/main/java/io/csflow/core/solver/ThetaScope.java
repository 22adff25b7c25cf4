package io.csflow.core.solver;

/** Which records share one adapted copy of the generator weights in the CS-BGM theta stage. */
public enum ThetaScope {
    /** One theta per batch, as in the public CS-BGM code: a record's result depends on its batch-mates. */
    BATCH,
    /**
     * One full copy of theta per record, solved one record at a time: a record's result does not depend on
     * which records shared its batch, but every record streams all weights every iteration.
     */
    RECORD,
    /**
     * One low-rank change per record and layer (theta0 + U V, rank 2, plus a bias change), all records of
     * the batch solved together: the shared weights stay one product over the batch, so it costs about a
     * z-stage iteration per theta iteration instead of streaming all weights per record. Matches RECORD's
     * error and calibration in the README's evaluation; the default.
     */
    LOWRANK
}
