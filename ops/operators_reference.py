#!/usr/bin/env python3
"""Reference implementation of csflow's measurement operators (standard library only).

Generates the same entries of A as the Java core (io.csflow.core.operator) for GAUSSIAN and
RADEMACHER, the same kept pixels for INPAINT and the same kept DCT coefficients for SUBSAMPLED_DCT.
See docs/operators.md for the algorithm.

Usage:
  operators_reference.py                      prints the standard test vectors
  operators_reference.py KIND SEED M N [COUNT] prints the first COUNT (default 8) entries of A
                                              (dense kinds) or of the row selection (structured kinds)

Output lines: KIND SEED M N: v0 v1 ... ; entries are float32 values printed with 9 significant digits
(enough to identify a float32 exactly), selections are integers.
"""
import math
import struct
import sys

MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64  # negative seeds: two's complement, as Java's long
        self._spare = None

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def next_gaussian(self):
        if self._spare is not None:
            g, self._spare = self._spare, None
            return g
        u1 = 1.0 - self.next_double()
        v = self.next_double()
        r = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * v
        self._spare = r * math.sin(angle)
        return r * math.cos(angle)

    def next_int(self, k):
        return int(self.next_double() * k)

    def choose(self, pool, m):
        pool = list(pool)
        for i in range(m):
            j = i + self.next_int(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:m]


def to_float32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def check(kind, m, n):
    if m <= 0 or n <= 0:
        raise ValueError("m and n must be positive, got m=%d n=%d" % (m, n))
    if kind in ("SUBSAMPLED_DCT", "INPAINT") and m > n:
        raise ValueError("%s needs m <= n, got m=%d > n=%d" % (kind, m, n))
    if kind == "SUBSAMPLED_DCT" and math.isqrt(n) ** 2 != n:
        raise ValueError("n=%d is not a perfect square" % n)


def entries(kind, seed, m, n, count):
    """The first `count` entries of A in row-major order (dense kinds)."""
    rng = SplitMix64(seed)
    count = min(count, m * n)
    if kind == "GAUSSIAN":
        return [to_float32(rng.next_gaussian()) for _ in range(count)]
    if kind == "RADEMACHER":
        return [-1.0 if rng.next_u64() >> 63 else 1.0 for _ in range(count)]
    raise ValueError("no dense entries for " + kind)


def selection(kind, seed, m, n):
    """Kept pixels (INPAINT) or kept DCT coefficients k = u*sqrt(n) + v (SUBSAMPLED_DCT), row order."""
    rng = SplitMix64(seed)
    if kind == "INPAINT":
        return rng.choose(range(n), m)
    if kind == "SUBSAMPLED_DCT":
        return [0] + rng.choose(range(1, n), m - 1)
    raise ValueError("no row selection for " + kind)


def line(kind, seed, m, n, count=8):
    check(kind, m, n)
    if kind in ("GAUSSIAN", "RADEMACHER"):
        vals = ["%.9g" % v for v in entries(kind, seed, m, n, count)]
    elif kind in ("INPAINT", "SUBSAMPLED_DCT"):
        vals = [str(v) for v in selection(kind, seed, m, n)[:count]]
    else:
        raise ValueError("unknown operator kind %r" % kind)
    return "%s %d %d %d: %s" % (kind, seed, m, n, " ".join(vals))


STANDARD = [
    ("GAUSSIAN", 42, 4, 784),
    ("RADEMACHER", 7, 4, 784),
    ("INPAINT", 1, 100, 784),
    ("SUBSAMPLED_DCT", 3, 100, 784),
]


def main(argv):
    if len(argv) == 0:
        for spec in STANDARD:
            print(line(*spec))
        return 0
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    kind = argv[0].upper()
    seed, m, n = int(argv[1]), int(argv[2]), int(argv[3])
    count = int(argv[4]) if len(argv) == 5 else 8
    print(line(kind, seed, m, n, count))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
