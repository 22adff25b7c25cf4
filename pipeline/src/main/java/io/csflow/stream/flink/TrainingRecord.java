package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;

import java.util.List;

/**
 * A reconstruction joined with its measurement, as the trainer needs it: operator spec, y, the latent the
 * reconstruction found and the truth when the measurement carried one. A Flink POJO (public fields, no-arg
 * constructor, primitive arrays), so Flink serializes it without Kryo.
 */
public class TrainingRecord {

    public String sensorId;
    public long sequence;
    public String operatorKind;
    public long operatorSeed;
    public int m;
    public int n;
    public float[] y;
    public float[] latent;
    /** Null when the measurement carried no truth. */
    public float[] truth;
    public long modelVersion;

    public TrainingRecord() {
    }

    public static TrainingRecord of(Measurement meas, Reconstruction rec) {
        TrainingRecord t = new TrainingRecord();
        t.sensorId = rec.getSensorId();
        t.sequence = rec.getSequence();
        t.operatorKind = meas.getOperator().getKind();
        t.operatorSeed = meas.getOperator().getSeed();
        t.m = meas.getOperator().getM();
        t.n = meas.getOperator().getN();
        t.y = floats(meas.getY());
        t.latent = floats(rec.getLatent());
        t.truth = meas.getTruth() == null ? null : floats(meas.getTruth());
        t.modelVersion = rec.getModelVersion();
        return t;
    }

    static float[] floats(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    @Override
    public String toString() {
        return "TrainingRecord[" + sensorId + "#" + sequence + ", " + operatorKind + "(seed=" + operatorSeed + ", m="
                + m + ", n=" + n + "), model v" + modelVersion + "]";
    }
}
