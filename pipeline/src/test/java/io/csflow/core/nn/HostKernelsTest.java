package io.csflow.core.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java element-wise paths (float arrays in host memory) against the ND4J paths they replace (taken by
 * double arrays): the same pass in float and in double must agree to float precision.
 */
class HostKernelsTest {

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double err = e.sub(a).amaxNumber().doubleValue();
        double scale = Math.max(1, e.amaxNumber().doubleValue());
        assertTrue(err <= tol * scale, what + ": max error " + err + " (scale " + scale + ")");
    }

    @Test
    void viewsOnlyForDenseHostFloatArrays() {
        assertNotNull(FloatView.of(Nd4j.create(DataType.FLOAT, 3, 4)).floats());
        assertNull(FloatView.of(Nd4j.create(DataType.DOUBLE, 3, 4)).floats(), "double takes the ND4J path");
        INDArray big = Nd4j.create(DataType.FLOAT, 6, 4);
        assertNull(FloatView.of(big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.all())).floats(), "views take the ND4J path");
    }

    @Test
    void floatPassMatchesDoublePass() {
        DenseStack f = DenseStack.xavier(new int[]{20, 50, 40, 30}, Activation.SOFTPLUS, Activation.SIGMOID, 3);
        Nd4j.getRandom().setSeed(9);
        for (int l = 0; l < f.layers(); l++) {
            f.bias(l).assign(Nd4j.randn(DataType.FLOAT, 1, f.width(l)));
        }
        DenseStack d = f.castTo(DataType.DOUBLE);
        INDArray z = Nd4j.randn(DataType.FLOAT, 8, 20).muli(3); // wide pre-activations: both tails of softplus
        INDArray c = Nd4j.randn(DataType.FLOAT, 8, 30);
        StackPass pf = new StackPass(f, 8);
        StackPass pd = new StackPass(d, 8);
        assertClose(pd.forward(d, z.castTo(DataType.DOUBLE)), pf.forward(f, z), 1e-5, "forward");
        pf.outputGradient().assign(c);
        pd.outputGradient().assign(c.castTo(DataType.DOUBLE));
        DenseStack gf = f.zerosLike();
        DenseStack gd = d.zerosLike();
        assertClose(pd.backward(d, z.castTo(DataType.DOUBLE), gd), pf.backward(f, z, gf), 1e-5, "dz");
        for (int t = 0; t < gf.tensors().size(); t++) {
            assertClose(gd.tensors().get(t), gf.tensors().get(t), 1e-5, "weight gradient " + t);
        }
    }

    @Test
    void softplusOfLargePreActivationsIsTheIdentity() {
        DenseStack f = new DenseStack(new INDArray[]{Nd4j.eye(3).castTo(DataType.FLOAT)},
                new INDArray[]{Nd4j.zeros(DataType.FLOAT, 1, 3)}, new Activation[]{Activation.SOFTPLUS});
        INDArray z = Nd4j.createFromArray(new float[][]{{200f, -200f, 0f}});
        StackPass pass = new StackPass(f, 1);
        INDArray x = pass.forward(f, z);
        assertClose(Nd4j.createFromArray(new float[][]{{200f, 0f, (float) Math.log(2)}}), x, 1e-6, "softplus");
        pass.outputGradient().assign(1);
        assertClose(Nd4j.createFromArray(new float[][]{{1f, 0f, 0.5f}}), pass.backward(f, z, null), 1e-6, "sigmoid");
    }

    @Test
    void vectorActivationsMatchTheExactValuesOverTheWholeRange() {
        assumeTrue(VectorSupport.enabled(), "Vector API kernels off in this JVM");
        float[] a = sweep();
        int n = a.length;
        float[] out = new float[n];
        float[] deriv = new float[n];
        float[] sig = new float[n];
        float[] outOnly = new float[n];
        VectorActivations.softplus(a, out, deriv, n);
        VectorActivations.softplus(a, outOnly, null, n);
        VectorActivations.sigmoid(a, sig, n);
        for (int j = 0; j < n; j++) {
            double x = a[j];
            double softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            double sigmoid = 1 / (1 + Math.exp(-x));
            // a few ulp (1.2e-7 each); below ~-87 exp is held at e^-87 (~1.6e-38), hence the absolute term
            assertEquals(softplus, out[j], 6e-7 * softplus + 2e-38, "softplus(" + x + ")");
            assertEquals(out[j], outOnly[j], 0.0, "softplus without its derivative (" + x + ")");
            assertEquals(sigmoid, deriv[j], 6e-7 * sigmoid + 2e-38, "softplus'(" + x + ")");
            assertEquals(sigmoid, sig[j], 6e-7 * sigmoid + 2e-38, "sigmoid(" + x + ")");
        }
    }

    @Test
    void vectorActivationsGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
        // the JDK's own SIMD exp/log1p did not: its interpreted fallback is an ulp off, which broke the solvers'
        // bit-for-bit repeatability in a JVM's first calls; these are made of operations that cannot differ
        assumeTrue(VectorSupport.enabled(), "Vector API kernels off in this JVM");
        float[] a = sweep();
        int n = a.length;
        float[] first = new float[n];
        float[] firstDeriv = new float[n];
        float[] firstSig = new float[n];
        VectorActivations.softplus(a, first, firstDeriv, n);
        VectorActivations.sigmoid(a, firstSig, n);
        float[] out = new float[n];
        float[] deriv = new float[n];
        float[] sig = new float[n];
        for (int rep = 0; rep < 20_000; rep++) {
            VectorActivations.softplus(a, out, deriv, n);
            VectorActivations.sigmoid(a, sig, n);
        }
        assertTrue(java.util.Arrays.equals(first, out), "softplus");
        assertTrue(java.util.Arrays.equals(firstDeriv, deriv), "softplus'");
        assertTrue(java.util.Arrays.equals(firstSig, sig), "sigmoid");
    }

    /** -120 .. 120 through both tails, 1003 values (not a multiple of the vector width: the scalar tail runs). */
    private static float[] sweep() {
        int n = 1003;
        float[] a = new float[n];
        for (int j = 0; j < n; j++) {
            a[j] = -120f + 240f * j / (n - 1);
        }
        return a;
    }

    @Test
    void elementwiseKernelsMatchNd4j() {
        Nd4j.getRandom().setSeed(4);
        INDArray a = Nd4j.randn(DataType.FLOAT, 5, 7);
        INDArray b = Nd4j.randn(DataType.FLOAT, 5, 7);
        INDArray row = Nd4j.randn(DataType.FLOAT, 1, 7);

        INDArray sum = a.dup();
        Elementwise.addRowVector(FloatView.of(sum), FloatView.of(row));
        assertClose(a.addRowVector(row), sum, 1e-6, "addRowVector");

        INDArray r = a.dup();
        Elementwise.scaledDifference(FloatView.of(r), FloatView.of(b), 0.3);
        assertClose(a.sub(b).mul(0.3), r, 1e-6, "scaledDifference");

        INDArray s = a.dup();
        Elementwise.scaledSum(FloatView.of(b), 2.5, FloatView.of(s), FloatView.of(s));
        assertClose(b.mul(2.5).add(a), s, 1e-6, "scaledSum");
    }

    @Test
    void hostAdamMatchesNd4jAdamUpdater() {
        Nd4j.getRandom().setSeed(8);
        INDArray pf = Nd4j.randn(DataType.FLOAT, 4, 6);
        INDArray pd = pf.castTo(DataType.DOUBLE);
        Adam host = new Adam(List.of(pf), 0.05, 0.9, 0.999, 1e-8);
        Adam nd4j = new Adam(List.of(pd), 0.05, 0.9, 0.999, 1e-8);
        INDArray gf = pf.ulike();
        INDArray gd = pd.ulike();
        for (int t = 0; t < 5; t++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 4, 6);
            gf.assign(g);
            gd.assign(g.castTo(DataType.DOUBLE));
            host.step(List.of(gf));
            nd4j.step(List.of(gd));
            assertClose(gd, gf, 1e-5, "applied update, step " + t);
            assertClose(pd, pf, 1e-5, "parameters, step " + t);
        }
    }
}
