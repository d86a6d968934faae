package dev.governor.engine.sample.postgres;

import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.SamplerFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;

/**
 * {@code governor-sample:postgres?database=main&facts=holders&period=5s}: samples a database named in
 * {@code governor.yaml}. Options:
 * <ul>
 *   <li>{@code database}: the name under {@code databases:}; left out, every configured database is sampled
 *       (each on its own connection, each reported down on its own), and none configured means no facts</li>
 *   <li>{@code facts}: a comma list of {@code server,databases,tables,holders,vacuum}; default all, so
 *       holders can be sampled every 5 s from one endpoint and tables every minute from another</li>
 *   <li>{@code schemas}, {@code excludeSchemas}: comma lists of globs ({@code *}, {@code ?}) a table's
 *       schema must match (default every schema) and must not match (default {@code information_schema}
 *       and {@code pg_toast}, unless {@code schemas} names one of them; the system catalogs in
 *       {@code pg_catalog} are sampled, since they bloat too)</li>
 *   <li>{@code tables}: comma list of globs matched against the table's {@code name} or {@code schema.name}</li>
 *   <li>{@code top}: keep only the N tables with the most dead rows; a table due for an
 *       anti-wraparound vacuum is always kept</li>
 * </ul>
 * Names are matched as the catalog spells them (case-sensitive). The filtering happens in the query.
 */
public final class PostgresSamplerFactory implements SamplerFactory {

    private final Clock clock;
    private final Map<String, GovernorConfig.Database> databases;

    public PostgresSamplerFactory(Clock clock, Map<String, GovernorConfig.Database> databases) {
        this.clock = clock;
        this.databases = Map.copyOf(databases);
    }

    @Override
    public Set<String> optionNames() {
        return PostgresOptions.NAMES;
    }

    @Override
    public void validate(Map<String, String> options) {
        if (named(options)) {
            PostgresOptions.parse(options, databases);
        } else {
            for (String name : databases.keySet()) {
                PostgresOptions.parse(withDatabase(options, name), databases);
            }
        }
    }

    @Override
    public Sampler create(Map<String, String> options) {
        if (named(options)) {
            return new PostgresSampler(clock, PostgresOptions.parse(options, databases));
        }
        List<PostgresSampler> samplers = new ArrayList<>();
        for (String name : new TreeSet<>(databases.keySet())) {
            samplers.add(new PostgresSampler(clock, PostgresOptions.parse(withDatabase(options, name), databases)));
        }
        return samplers.size() == 1 ? samplers.get(0) : new EveryDatabaseSampler(clock, samplers);
    }

    private static boolean named(Map<String, String> options) {
        String given = options.get(PostgresOptions.DATABASE);
        return given != null && !given.isBlank();
    }

    private static Map<String, String> withDatabase(Map<String, String> options, String name) {
        Map<String, String> copy = new HashMap<>(options);
        copy.put(PostgresOptions.DATABASE, name);
        return copy;
    }
}
