package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.flink.AvroKafkaSerializer;
import io.csflow.stream.flink.AvroTypeInfo;
import io.csflow.stream.flink.PairForTrainingFunction;
import io.csflow.stream.flink.ReconstructFunction;
import io.csflow.stream.flink.TrainerFunction;
import io.csflow.stream.flink.TrainingRecord;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The online-training branch of {@link ReconstructionJob}: validated measurements + reconstructions -> pair by
 * sensorId/sequence -> one {@link TrainerFunction} -> accepted model versions on the compacted models topic
 * (key "model", so compaction keeps the latest), exactly once. Needs {@link JobConfig#checkpointDir()}; the models
 * topic's max.message.bytes must take a whole prior (see {@link TrainingConfig#maxModelBytes()}).
 */
public final class TrainerTopology {

    public static final String MODEL_KEY = "model";
    public static final AvroTypeInfo<ModelSnapshot> MODEL_SNAPSHOT = new AvroTypeInfo<>(ModelSnapshot.class);
    public static final TypeInformation<TrainingRecord> TRAINING_RECORD = TypeInformation.of(TrainingRecord.class);

    private TrainerTopology() {
    }

    /** Adds the training branch; config.training() must be set. Returns the stream of published snapshots. */
    public static DataStream<ModelSnapshot> attachTrainer(JobConfig config, DataStream<Measurement> measurements,
                                                          DataStream<Reconstruction> reconstructions) {
        TrainingConfig training = config.training();
        if (training == null) {
            throw new IllegalArgumentException("attachTrainer needs JobConfig.training()");
        }
        if (config.checkpointDir() == null) {
            // JobManager memory checkpoints take at most 5 MB; the trainer's state is about twice the decoder
            // (~10 MB for the shipped prior), so the first checkpoint would fail the job
            throw new IllegalArgumentException("online training needs checkpointDir: the trainer's checkpointed"
                    + " state is larger than the 5 MB that JobManager-memory checkpoints allow");
        }
        SingleOutputStreamOperator<TrainingRecord> pairs = measurements
                .keyBy(PairForTrainingFunction.measurementKey())
                .connect(reconstructions.keyBy(PairForTrainingFunction.reconstructionKey()))
                .process(new PairForTrainingFunction(training.pairTimeout().toMillis()), TRAINING_RECORD)
                .uid("pair-for-training").name("Pair for training");

        SingleOutputStreamOperator<ModelSnapshot> models = pairs
                .global()
                .process(new TrainerFunction(training, new ModelUpdates(config.expectedN()),
                        new ReconstructFunction.ModelSource(config.bootstrapServers(), config.topics().models(),
                                config.kafkaProperties(), ReconstructionJob.MODELS_START_TIMEOUT)), MODEL_SNAPSHOT)
                .setParallelism(1).setMaxParallelism(1)
                .uid("trainer").name("Online trainer (" + training.trainer().weighting() + ", "
                        + training.trainer().optimizer() + ")");

        models.sinkTo(modelsSink(config))
                .setParallelism(1)
                .uid("kafka-models-sink").name("Kafka " + config.topics().models());
        return models;
    }

    /** Keyed "model": the compacted topic keeps the latest accepted version. */
    public static AvroKafkaSerializer<ModelSnapshot> modelsSerializer(String topic) {
        return new AvroKafkaSerializer<>(topic, AvroWire.modelSnapshots(),
                s -> MODEL_KEY.getBytes(StandardCharsets.UTF_8));
    }

    static KafkaSink<ModelSnapshot> modelsSink(JobConfig config) {
        var builder = KafkaSink.<ModelSnapshot>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(modelsSerializer(config.topics().models()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // its own prefix, or it fences the other sinks' transactions
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-models");
        config.kafkaClients().applyTo("kafka-models-sink", Map.of(
                "transaction.timeout.ms", Long.toString(config.transactionTimeout().toMillis()),
                // a snapshot holds the whole prior (~5 MB for the shipped one), over the 1 MB default
                "max.request.size", Integer.toString(config.training().maxModelBytes())), builder::setProperty);
        return builder.build();
    }
}
