package io.csflow.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.csflow.core.operator.OperatorKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileSpecTest {

    @Test
    void parsesTheFullForm() {
        ProfileSpec p = ProfileSpec.parse("cam-a:GAUSSIAN:200:0.1:rate=50:truthEvery=1:sensors=2:seed=7");
        assertEquals(new ProfileSpec("cam-a", OperatorKind.GAUSSIAN, 200, 0.1f, 50, 1, 2, 7), p);
        assertEquals(List.of("cam-a-0", "cam-a-1"), p.sensorIds());
        assertEquals(8, p.operator(1, 784).seed());
        assertEquals(p, ProfileSpec.parse(p.toText()));
    }

    @Test
    void defaultsAndCase() {
        ProfileSpec p = ProfileSpec.parse("dct:subsampled_dct:100:0");
        assertEquals(OperatorKind.SUBSAMPLED_DCT, p.kind());
        assertEquals(0, p.rate());
        assertEquals(1, p.truthEvery());
        assertEquals(List.of("dct"), p.sensorIds());
        assertEquals("dct".hashCode(), p.seed());
        assertEquals(3, ProfileSpec.parse("x:INPAINT:10:0:SENSORS=3:TruthEvery=0").sensors());
    }

    @Test
    void errorsNameTheBadPart() {
        assertError("", "empty profile: expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:200", "profile 'cam:GAUSSIAN:200': has 3 parts, needs at least NAME:KIND:M:NOISE;"
                + " expected " + ProfileSpec.SYNTAX);
        assertError("cam a:GAUSSIAN:200:0", "profile 'cam a:GAUSSIAN:200:0': name 'cam a' must be 1-200 characters"
                + " from [a-zA-Z0-9._-]; expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSS:200:0", "profile 'cam:GAUSS:200:0': kind: unknown operator kind 'GAUSS': expected one of"
                + " [GAUSSIAN, RADEMACHER, SUBSAMPLED_DCT, INPAINT]; expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:2x:0", "profile 'cam:GAUSSIAN:2x:0': m '2x' is not an integer; expected "
                + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:0:0", "profile 'cam:GAUSSIAN:0:0': m '0' must be a positive integer; expected "
                + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:-1", "profile 'cam:GAUSSIAN:20:-1': noise '-1' must be a finite number >= 0;"
                + " expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:abc", "profile 'cam:GAUSSIAN:20:abc': noise 'abc' is not a number; expected "
                + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:fast", "profile 'cam:GAUSSIAN:20:0:fast': option 'fast' is not key=value"
                + " (keys: rate, truthEvery, sensors, seed); expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:speed=3", "profile 'cam:GAUSSIAN:20:0:speed=3': unknown option 'speed'"
                + " (keys: rate, truthEvery, sensors, seed); expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:rate=-2", "profile 'cam:GAUSSIAN:20:0:rate=-2': rate '-2' must be a finite"
                + " number >= 0 (records/s per sensor, 0 = as fast as possible); expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:sensors=0", "profile 'cam:GAUSSIAN:20:0:sensors=0': sensors '0' must be an"
                + " integer >= 1; expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:truthEvery=-1", "profile 'cam:GAUSSIAN:20:0:truthEvery=-1': truthEvery '-1'"
                + " must be an integer >= 0 (0 = never); expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:seed=x", "profile 'cam:GAUSSIAN:20:0:seed=x': seed 'x' is not an integer;"
                + " expected " + ProfileSpec.SYNTAX);
        assertError("cam:GAUSSIAN:20:0:rate=1:rate=2", "profile 'cam:GAUSSIAN:20:0:rate=1:rate=2': option 'rate' is"
                + " given twice; expected " + ProfileSpec.SYNTAX);
        // m > n only shows once n is known
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProfileSpec.parse("d:SUBSAMPLED_DCT:900:0").operator(0, 784));
        assertEquals("profile 'd': SUBSAMPLED_DCT operator needs m <= n, got m=900 > n=784", e.getMessage());
    }

    private static void assertError(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProfileSpec.parse(text));
        assertEquals(message, e.getMessage());
    }
}
