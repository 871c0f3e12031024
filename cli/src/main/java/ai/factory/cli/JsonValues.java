package ai.factory.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Building blocks of the JSON documents the commands write (as maps, serialised by Jackson). */
public final class JsonValues {

    private JsonValues() {
    }

    /** An ordered JSON object that may hold nulls (Map.of may not). */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** JSON has no NaN: what could not be measured is null. */
    public static Object finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
