package io.csflow.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * The solver's cheap element-wise steps (bias add, products, residual, derivative of the sigmoid), each one
 * pass in plain Java over {@link FloatView}s when all operands have host float memory, else the equivalent
 * ND4J ops. At the solver's sizes (10^3 to 10^5 elements) a Java pass costs ~0.4 ns per element and no JNI
 * call, while an ND4J op costs 3-5 ns per element plus its fixed set-up. Transcendentals (exp, log) stay
 * in ND4J: Java's Math.exp/log measured slower than ND4J's loops.
 *
 * <p>Outputs may alias inputs where the Javadoc says so.
 */
public final class Elementwise {

    private Elementwise() {
    }

    private static boolean host(FloatView... views) {
        for (FloatView v : views) {
            if (v.floats() == null) {
                return false;
            }
        }
        return true;
    }

    /** m (rows x cols) += row (1 x cols), every row. */
    public static void addRowVector(FloatView m, FloatView row) {
        if (!host(m, row)) {
            m.array().addiRowVector(row.array());
            return;
        }
        FloatBuffer a = m.floats();
        FloatBuffer b = row.floats();
        int cols = row.length();
        int n = m.length();
        for (int start = 0; start < n; start += cols) {
            for (int j = 0; j < cols; j++) {
                a.put(start + j, a.get(start + j) + b.get(j));
            }
        }
    }

    /** out := a .* b (out may be a or b). */
    public static void multiply(FloatView a, FloatView b, FloatView out) {
        if (!host(a, b, out)) {
            a.array().mul(b.array(), out.array());
            return;
        }
        FloatBuffer x = a.floats();
        FloatBuffer y = b.floats();
        FloatBuffer z = out.floats();
        for (int i = 0, n = out.length(); i < n; i++) {
            z.put(i, x.get(i) * y.get(i));
        }
    }

    /** dPre := s (1 - s) .* dOut, the sigmoid's backward from its output s (dPre distinct from s and dOut). */
    public static void sigmoidBackward(FloatView s, FloatView dOut, FloatView dPre) {
        if (!host(s, dOut, dPre)) {
            Nd4j.exec(new TimesOneMinus(s.array(), dPre.array()));
            dPre.array().muli(dOut.array());
            return;
        }
        FloatBuffer o = s.floats();
        FloatBuffer g = dOut.floats();
        FloatBuffer d = dPre.floats();
        for (int i = 0, n = dPre.length(); i < n; i++) {
            float v = o.get(i);
            d.put(i, v * (1f - v) * g.get(i));
        }
    }

    /** r := factor (r - y), e.g. the scaled residual from A x (in r) and the target y. */
    public static void scaledDifference(FloatView r, FloatView y, double factor) {
        if (!host(r, y)) {
            r.array().subi(y.array()).muli(factor);
            return;
        }
        FloatBuffer a = r.floats();
        FloatBuffer b = y.floats();
        float f = (float) factor;
        for (int i = 0, n = r.length(); i < n; i++) {
            a.put(i, f * (a.get(i) - b.get(i)));
        }
    }

    /** out := alpha a + b (out may be a or b), e.g. a penalty's gradient added to a backward product. */
    public static void scaledSum(FloatView a, double alpha, FloatView b, FloatView out) {
        if (!host(a, b, out)) {
            INDArray o = out.array();
            if (o == b.array()) {
                Nd4j.getBlasWrapper().level1().axpy(o.length(), alpha, a.array(), o);
            } else {
                o.assign(a.array()).muli(alpha).addi(b.array());
            }
            return;
        }
        FloatBuffer x = a.floats();
        FloatBuffer y = b.floats();
        FloatBuffer z = out.floats();
        float f = (float) alpha;
        for (int i = 0, n = out.length(); i < n; i++) {
            z.put(i, f * x.get(i) + y.get(i));
        }
    }
}
