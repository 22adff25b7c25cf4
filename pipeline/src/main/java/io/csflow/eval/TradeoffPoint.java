package io.csflow.eval;

import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.WarmStart;

/**
 * One setting on the quality-versus-compute curve, written {@code RxI[/warm[/tol]][+T]}: R starts of at most
 * I Adam iterations, the warm start ({@link WarmStart#parse}, default random), the early-stop tolerance
 * (default 0, off) and, with {@code +T}, T iterations of the CS-BGM theta stage in the base options' scope
 * (csgm without), e.g. {@code 10x1000} (the papers' csgm) or {@code 1x200/bank:4096/1e-3+200}.
 */
public record TradeoffPoint(String label, int restarts, int iterations, WarmStart warmStart, EarlyStop earlyStop,
                            int thetaIterations) {

    public static TradeoffPoint parse(String spec, int window) {
        String[] stages = spec.trim().split("\\+");
        if (stages.length > 2) {
            throw new IllegalArgumentException("setting '" + spec + "': at most one +T (theta iterations), e.g. "
                    + "1x200/bank/1e-3+200");
        }
        int theta = 0;
        if (stages.length == 2) {
            try {
                theta = Integer.parseInt(stages[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting '" + spec + "': T in +T must be a number of theta "
                        + "iterations, e.g. 1x200/bank/1e-3+200");
            }
            if (theta < 1) {
                throw new IllegalArgumentException("setting '" + spec + "': theta iterations must be >= 1");
            }
        }
        String[] parts = stages[0].split("/");
        String[] ri = parts[0].toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length > 3 || ri.length != 2) {
            throw new IllegalArgumentException("setting '" + spec + "': expected RxI[/warm[/tol]], e.g. 10x1000 or "
                    + "2x150/bank:4096/1e-3");
        }
        try {
            int r = Integer.parseInt(ri[0]);
            int i = Integer.parseInt(ri[1]);
            WarmStart w = parts.length > 1 ? WarmStart.parse(parts[1]) : WarmStart.random();
            double tol = parts.length > 2 ? Double.parseDouble(parts[2]) : 0;
            if (r < 1 || i < 1) {
                throw new IllegalArgumentException("setting '" + spec + "': restarts and iterations must be >= 1");
            }
            return new TradeoffPoint(spec.trim(), r, i, w, new EarlyStop(tol, window), theta);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + spec + "': R, I and tol must be numbers, e.g. 2x150/bank/1e-3");
        }
    }

    /** This point's stages on top of {@code base} (learning rate, lz, seed and the other theta settings stay). */
    public SolverOptions options(SolverOptions base) {
        SolverOptions o = base.withLatent(restarts, iterations, warmStart, earlyStop);
        return thetaIterations > 0 ? o.withThetaIterations(thetaIterations) : o;
    }

    /** csgm, or csbgm when the setting has a theta stage. */
    public String method() {
        return thetaIterations > 0 ? "csbgm" : "csgm";
    }

    /** The papers' setting of {@link #parse}: 10 random restarts x 1000 iterations. */
    public boolean isPapers() {
        return thetaIterations == 0 && restarts == 10 && iterations == 1000 && warmStart.kind() == WarmStart.Kind.RANDOM
                && !earlyStop.enabled();
    }
}
