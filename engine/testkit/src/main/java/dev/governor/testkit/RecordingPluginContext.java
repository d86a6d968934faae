package dev.governor.testkit;

import dev.governor.spi.Database;
import dev.governor.spi.PluginContext;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PluginContext} built in a test, as Governor would build it from {@code governor.yaml}: the
 * plugin's settings, the configured databases and a clock (a {@link PseudoClock} unless given another).
 * It records which settings the plugin read, so a test can check that a plugin reads every setting it is
 * given ({@link #unreadSettings()}): a setting nobody reads is a misspelling that Governor's users would
 * never be told about.
 *
 * <pre>{@code
 * RecordingPluginContext context = RecordingPluginContext.forPlugin("diagnose")
 *         .withSetting("dir", tempDir.toString())
 *         .withSetting("maxFiles", 5);
 * }</pre>
 */
public final class RecordingPluginContext implements PluginContext {

    private final String pluginName;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Map<String, Database> databases = new LinkedHashMap<>();
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private Clock clock = new PseudoClock();

    private RecordingPluginContext(String pluginName) {
        this.pluginName = Objects.requireNonNull(pluginName, "pluginName is null");
    }

    /** A context for the plugin named {@code pluginName}, with no settings, no databases and a pseudo clock. */
    public static RecordingPluginContext forPlugin(String pluginName) {
        return new RecordingPluginContext(pluginName);
    }

    /**
     * Adds a setting, as YAML would give it: a string, a number, a boolean, a list or a map. Nested maps
     * are written as maps ({@code withSetting("remotes", Map.of("app-1", Map.of("url", "...")))}).
     */
    public RecordingPluginContext withSetting(String key, Object value) {
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(value, () -> "setting " + key + " is null; leave it out instead");
        settings.put(key, value);
        return this;
    }

    /** Adds every setting of {@code more}. */
    public RecordingPluginContext withSettings(Map<String, ?> more) {
        more.forEach(this::withSetting);
        return this;
    }

    /** Adds a configured database, under its {@link Database#name()}. */
    public RecordingPluginContext withDatabase(Database database) {
        databases.put(database.name(), database);
        return this;
    }

    /** Uses {@code newClock} instead of the pseudo clock. */
    public RecordingPluginContext withClock(Clock newClock) {
        this.clock = Objects.requireNonNull(newClock, "clock is null");
        return this;
    }

    /** The pseudo clock this context gives, to advance it; an error when another clock was set. */
    public PseudoClock pseudoClock() {
        if (clock instanceof PseudoClock pseudo) {
            return pseudo;
        }
        throw new IllegalStateException("this context was given another clock: " + clock);
    }

    @Override
    public String pluginName() {
        return pluginName;
    }

    /** The settings, as an unmodifiable map that records each key the plugin reads or iterates over. */
    @Override
    public Map<String, Object> settings() {
        return new RecordingMap(Collections.unmodifiableMap(settings), read);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Map<String, Database> databases() {
        return Collections.unmodifiableMap(databases);
    }

    /** The keys of settings the plugin read (by key, or by going over the keys or entries). */
    public Set<String> readSettings() {
        return new TreeSet<>(read);
    }

    /** The keys of settings given to the plugin that it never read, sorted. */
    public Set<String> unreadSettings() {
        Set<String> unread = new TreeSet<>(settings.keySet());
        unread.removeAll(read);
        return unread;
    }

    /** A read-only map that notes the keys looked up. */
    private static final class RecordingMap extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> delegate;
        private final Set<String> read;

        RecordingMap(Map<String, Object> delegate, Set<String> read) {
            this.delegate = delegate;
            this.read = read;
        }

        @Override
        public Object get(Object key) {
            if (key instanceof String name) {
                read.add(name);
            }
            return delegate.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            if (key instanceof String name) {
                read.add(name);
            }
            return delegate.containsKey(key);
        }

        @Override
        public Object getOrDefault(Object key, Object fallback) {
            Object value = get(key);
            return value == null ? fallback : value;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            read.addAll(delegate.keySet());
            return delegate.entrySet();
        }

        @Override
        public Set<String> keySet() {
            read.addAll(delegate.keySet());
            return delegate.keySet();
        }

        @Override
        public Collection<Object> values() {
            read.addAll(delegate.keySet());
            return delegate.values();
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }
}
