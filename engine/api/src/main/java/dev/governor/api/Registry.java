package dev.governor.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The resources of this JVM that Governor may watch and act on, by kind and name: connection pools
 * ({@code HikariDataSource}), thread pools ({@code ThreadPoolExecutor}), and whatever a third-party
 * plugin governs. An application that embeds Governor registers its own:
 *
 * <pre>{@code
 * Registry.global().register(HikariDataSource.class, "orders", dataSource);
 * Registry.global().register(ThreadPoolExecutor.class, "workers", executor);
 * }</pre>
 *
 * Samplers then report them ({@code governor-sample:hikari}, {@code governor-sample:executor}) and
 * actions target them by name. Thread-safe.
 */
public final class Registry {

    private static final Registry GLOBAL = new Registry();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    private final Map<Class<?>, Map<String, Object>> byKind = new ConcurrentHashMap<>();

    /** The registry samplers and plugins of this JVM share. */
    public static Registry global() {
        return GLOBAL;
    }

    /**
     * Registers a resource under a name; a resource already registered under that name and kind is replaced.
     *
     * @param kind     the resource's kind, e.g. {@code ThreadPoolExecutor.class}
     * @param name     letters, digits, {@code _}, {@code .} and {@code -}, starting with a letter or digit
     * @param resource the resource
     * @return the resource replaced, if any
     */
    public <T> Optional<T> register(Class<T> kind, String name, T resource) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("resource name must be letters, digits, '_', '.' or '-', was '" + name + "'");
        }
        if (!kind.isInstance(resource)) {
            throw new IllegalArgumentException(resource.getClass().getName() + " is not a " + kind.getName());
        }
        Object previous = byKind.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).put(name, resource);
        return Optional.ofNullable(previous).map(kind::cast);
    }

    /** Removes a registration; true if there was one. */
    public boolean unregister(Class<?> kind, String name) {
        Map<String, Object> named = byKind.get(kind);
        return named != null && named.remove(name) != null;
    }

    /** The resource of this kind registered under this name. */
    public <T> Optional<T> find(Class<T> kind, String name) {
        Map<String, Object> named = byKind.get(kind);
        return named == null ? Optional.empty() : Optional.ofNullable(named.get(name)).map(kind::cast);
    }

    /** Every resource of this kind, by name, sorted by name. */
    public <T> Map<String, T> all(Class<T> kind) {
        Map<String, T> out = new TreeMap<>();
        Map<String, Object> named = byKind.get(kind);
        if (named != null) {
            named.forEach((name, resource) -> out.put(name, kind.cast(resource)));
        }
        return out;
    }
}
