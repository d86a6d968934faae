package dev.governor.engine.rules;

import dev.governor.api.Fact;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kie.api.runtime.rule.Match;

/**
 * A rule and the objects one of its matches bound: what tells a match seen again, after a reload, from a
 * new one. Facts and plain values (numbers, text, accumulate results such as a count or a list of samples)
 * compare by value. Anything else, such as an instance of a type declared in the rules, is kept as its class
 * name and text: a key must not hold on to objects of an old rule build's classes, or the old build could not
 * be collected while the key lives.
 */
record MatchKey(String rule, List<Object> objects) {

    static MatchKey of(Match match) {
        List<Object> objects = new ArrayList<>();
        for (Object object : match.getObjects()) {
            objects.add(comparable(object));
        }
        return new MatchKey(match.getRule().getPackageName() + "/" + match.getRule().getName(), objects);
    }

    private static Object comparable(Object object) {
        if (object == null || object instanceof Fact || object instanceof Number || object instanceof CharSequence
                || object instanceof Boolean || object instanceof Character || object instanceof TemporalAccessor) {
            return object instanceof CharSequence text ? text.toString() : object;
        }
        if (object instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            for (Object element : collection) {
                copy.add(comparable(element));
            }
            return copy;
        }
        if (object instanceof Map<?, ?> map) {
            Map<String, Object> copy = new TreeMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(comparable(key)), comparable(value)));
            return copy;
        }
        if (object instanceof Enum<?> constant) {
            return constant.getDeclaringClass().getName() + "." + constant.name();
        }
        return object.getClass().getName() + ":" + object;
    }
}
