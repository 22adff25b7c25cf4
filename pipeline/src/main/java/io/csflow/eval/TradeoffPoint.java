package io.csflow.eval;

import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.WarmStart;

/**
 * One setting of the z stage on the quality-versus-compute curve, written {@code RxI[/warm[/tol]]}:
 * R starts of at most I Adam iterations, the warm start ({@link WarmStart#parse}, default random) and the
 * early-stop tolerance (default 0, off), e.g. {@code 10x1000} (the papers) or {@code 2x150/bank:4096/1e-3}.
 */
public record TradeoffPoint(String label, int restarts, int iterations, WarmStart warmStart, EarlyStop earlyStop) {

    public static TradeoffPoint parse(String spec, int window) {
        String[] parts = spec.trim().split("/");
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
            return new TradeoffPoint(spec.trim(), r, i, w, new EarlyStop(tol, window));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + spec + "': R, I and tol must be numbers, e.g. 2x150/bank/1e-3");
        }
    }

    /** This point's z stage on top of {@code base} (learning rate, lz, seed and the theta settings stay). */
    public SolverOptions options(SolverOptions base) {
        return base.withLatent(restarts, iterations, warmStart, earlyStop);
    }

    /** The papers' setting of {@link #parse}: 10 random restarts x 1000 iterations. */
    public boolean isPapers() {
        return restarts == 10 && iterations == 1000 && warmStart.kind() == WarmStart.Kind.RANDOM
                && !earlyStop.enabled();
    }
}
