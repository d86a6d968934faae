package dev.governor.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.Metric;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The newest fact of each subject, by type and key, as facts go to the rules: a tee in front of the engine,
 * through which both the routes and {@code POST /api/samples} deliver, so {@code GET /api/facts} is a map read.
 *
 * <p>A fact's key names what it is about: its required text fields, joined with {@code /} ({@code orders} for a
 * {@code PoolSample}, {@code main/public/orders} for a {@code PgTable}, {@code vm/eth0} for a {@code NetworkSample});
 * a {@code Metric}'s name, source and labels; a {@code SourceDown}'s source; an {@code ActionOutcome}'s type and
 * target. Its source says where it came from: the sampler, the route id, or {@code api}.
 *
 * <p>Bounded: at most {@code capacity} keys; past that, the key updated longest ago is dropped. Facts are counted
 * only once the next sink took them: a batch the engine refuses is neither kept nor counted.
 */
public final class CurrentFacts implements FactSink {

    /** Told of every batch taken, with its source: metrics count facts in by type and source. */
    @FunctionalInterface
    public interface Observer {
        void accepted(List<? extends Fact> facts, String source);

        Observer NONE = (facts, source) -> { };
    }

    /**
     * The newest fact of one key.
     *
     * @param type       the fact's type, e.g. {@code PoolSample}
     * @param key        what it is about
     * @param source     where it came from
     * @param receivedAt when it arrived (its own time is the fact's {@code at})
     * @param fact       the fact
     */
    public record Entry(String type, String key, String source, Instant receivedAt, Fact fact) {
    }

    private static final Set<String> NOT_PART_OF_THE_KEY = Set.of("SourceDown.error", "PgVacuumProgress.phase");
    private static final Map<Class<?>, List<RecordComponent>> KEY_FIELDS = new ConcurrentHashMap<>();

    private final FactSink next;
    private final int capacity;
    private final Clock clock;
    private final Observer observer;
    private final LinkedHashMap<String, Entry> latest;
    private long dropped;

    public CurrentFacts(FactSink next, int capacity, Clock clock, Observer observer) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.next = next;
        this.capacity = capacity;
        this.clock = clock;
        this.observer = observer == null ? Observer.NONE : observer;
        // Access order: re-putting a key moves it to the end, so the eldest is the key updated longest ago.
        this.latest = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                if (size() > CurrentFacts.this.capacity) {
                    dropped++;
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public void accept(List<? extends Fact> facts) {
        accept(facts, "unknown");
    }

    @Override
    public void accept(List<? extends Fact> facts, String source) {
        next.accept(facts, source);
        Instant now = clock.instant();
        synchronized (this) {
            for (Fact fact : facts) {
                String type = typeOf(fact);
                String key = keyOf(fact);
                latest.put(type + "\u0000" + key, new Entry(type, key, source, now, fact));
            }
        }
        try {
            observer.accepted(facts, source);
        } catch (RuntimeException e) {
            // Counting must never refuse a fact the engine has taken.
        }
    }

    /** The newest fact of every key that passes {@code filter}, by type then key. */
    public synchronized List<Entry> current(Predicate<Entry> filter) {
        List<Entry> out = new ArrayList<>();
        // Iterating an access-ordered map does not reorder it; get() would.
        for (Entry entry : latest.values()) {
            if (filter.test(entry)) {
                out.add(entry);
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::type).thenComparing(Entry::key));
        return out;
    }

    /** How many keys are kept now. */
    public synchronized int size() {
        return latest.size();
    }

    /** Keys dropped since start because more than {@code capacity} were seen. */
    public synchronized long dropped() {
        return dropped;
    }

    public int capacity() {
        return capacity;
    }

    /** The fact's type name: the record's simple name. */
    public static String typeOf(Fact fact) {
        return FactTypes.nameOf(fact.getClass());
    }

    /** What the fact is about (see the class comment). */
    public static String keyOf(Fact fact) {
        if (fact instanceof Metric metric) {
            StringBuilder key = new StringBuilder(metric.name());
            if (metric.source() != null) {
                key.append('/').append(metric.source());
            }
            if (metric.labels() != null && !metric.labels().isEmpty()) {
                key.append(new TreeMap<>(metric.labels()));
            }
            return key.toString();
        }
        if (fact instanceof ActionOutcome outcome) {
            return outcome.type() + "/" + outcome.target();
        }
        if (!fact.getClass().isRecord()) {
            return fact.getClass().getName();
        }
        List<RecordComponent> fields = KEY_FIELDS.computeIfAbsent(fact.getClass(), CurrentFacts::keyFields);
        StringBuilder key = new StringBuilder();
        for (RecordComponent field : fields) {
            try {
                Object value = field.getAccessor().invoke(fact);
                if (key.length() > 0) {
                    key.append('/');
                }
                key.append(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + field.getName() + " of " + fact.getClass().getSimpleName(), e);
            }
        }
        return key.length() == 0 ? typeOf(fact) : key.toString();
    }

    private static List<RecordComponent> keyFields(Class<?> type) {
        List<RecordComponent> fields = new ArrayList<>();
        String name = type.getSimpleName();
        for (RecordComponent component : type.getRecordComponents()) {
            JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
            boolean required = property != null && property.required();
            boolean identifies = component.getType() == String.class
                    || (name.equals("PgVacuumProgress") && component.getName().equals("pid"));
            if (required && identifies && !NOT_PART_OF_THE_KEY.contains(name + "." + component.getName())) {
                fields.add(component);
            }
        }
        return List.copyOf(fields);
    }
}
