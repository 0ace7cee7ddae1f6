package dev.hyphenj.ckks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\" µs\n\t\\");
        m.put("x", 66.125);
        m.put("n", 2L);
        m.put("tiny", 1.5e-7);
        m.put("big", 1e300);
        m.put("list", List.of(true, false, "x"));
        m.put("nested", List.of(Map.of("a", 1L), List.of()));
        m.put("empty", Map.of());
        m.put("null", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) Json.parse(Json.write(m), "test");
        assertEquals(m, b);
    }

    @Test
    void malformedInputNamesTheSourceAndPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("{\n  \"a\": 1,\n}", "f.json"));
        assertTrue(e.getMessage().startsWith("f.json:3:1: malformed JSON"), e.getMessage());
        for (String bad : new String[] {"{\"a\": 1} x", "[1, 2", "\"open", "{\"a\" 1}", "{\"a\": 1, \"a\": 2}", "tru",
                "01x", "{\"a\": \"\\q\"}", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad, "t"), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    }
}
