package io.csflow.stream;

import io.csflow.core.learn.OnlineTrainer;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * Options of the online trainer attached to {@link ReconstructionJob} (see {@link TrainerTopology}); a null
 * {@link JobConfig#training()} turns training off.
 *
 * @param priorPath        the prior the trainer starts from (resolved on the task manager like
 *                         {@link io.csflow.core.prior.Priors#load}); should be the one the reconstruct step uses
 * @param trainer          task specs, weighting, optimiser, learning rate, noise, batch, publishEvery, guard margin
 * @param stepEveryRecords take at most one trainer step every this many paired records (1 = one per record)
 * @param pairTimeout      how long a measurement waits for its reconstruction (or the other way round)
 * @param maxModelBytes    max.request.size of the models sink; the topic's max.message.bytes must allow it too
 */
public record TrainingConfig(String priorPath, OnlineTrainer.Config trainer, int stepEveryRecords,
                             Duration pairTimeout, int maxModelBytes) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_MODEL_BYTES = 16 * 1024 * 1024;
    public static final Duration DEFAULT_PAIR_TIMEOUT = Duration.ofMinutes(10);

    public TrainingConfig {
        if (priorPath == null || priorPath.isBlank()) {
            throw new IllegalArgumentException("training needs the prior path to start from");
        }
        if (trainer == null) {
            throw new IllegalArgumentException("training needs an OnlineTrainer.Config");
        }
        if (stepEveryRecords < 1) {
            throw new IllegalArgumentException("stepEveryRecords must be >= 1, got " + stepEveryRecords);
        }
        if (pairTimeout == null || pairTimeout.isNegative() || pairTimeout.isZero()) {
            throw new IllegalArgumentException("pairTimeout must be positive, got " + pairTimeout);
        }
        if (maxModelBytes < 1024) {
            throw new IllegalArgumentException("maxModelBytes must be >= 1024, got " + maxModelBytes);
        }
    }

    /** One step per record, pairs wait 10 minutes, model records up to 16 MiB. */
    public static TrainingConfig of(String priorPath, OnlineTrainer.Config trainer) {
        return new TrainingConfig(priorPath, trainer, 1, DEFAULT_PAIR_TIMEOUT, DEFAULT_MAX_MODEL_BYTES);
    }
}
