package dev.governor.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fact types Governor knows by name. The JSON form of a fact is an object whose {@code "type"} is
 * one of these simple names and whose other members are the record's fields.
 */
public final class FactTypes {

    private static final List<Class<? extends Fact>> ALL = List.of(
            HostSample.class,
            NetworkSample.class,
            TcpConnections.class,
            JvmSample.class,
            MemoryPoolSample.class,
            GcPause.class,
            PoolSample.class,
            ExecutorSample.class,
            PgServer.class,
            PgDatabase.class,
            PgTable.class,
            PgHorizonHolder.class,
            PgVacuumProgress.class,
            SourceDown.class,
            Metric.class,
            ActionOutcome.class);

    private static final Map<String, Class<? extends Fact>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private FactTypes() {
    }

    /** Every built-in fact type, in a stable order. */
    public static List<Class<? extends Fact>> all() {
        return ALL;
    }

    /** The fact type with this simple name. */
    public static Optional<Class<? extends Fact>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The name a fact type goes by in JSON and in rules. */
    public static String nameOf(Class<? extends Fact> type) {
        return type.getSimpleName();
    }
}
