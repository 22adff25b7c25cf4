package io.csflow.core.solver;

/** Which records share one adapted copy of the generator weights in the CS-BGM theta stage. */
public enum ThetaScope {
    /** One theta per batch, as in the public CS-BGM code: a record's result depends on its batch-mates. */
    BATCH,
    /** One theta per record: a record's result does not depend on which records shared its batch. */
    RECORD
}
