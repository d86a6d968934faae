package dev.governor.plugin.hikari;

import dev.governor.spi.Database;
import java.net.MalformedURLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.management.remote.JMXServiceURL;

/**
 * The {@code hikari} plugin's settings ({@code plugins.settings.hikari} in {@code governor.yaml}), checked
 * when Governor starts:
 *
 * <pre>{@code
 * ceiling: 50                                   # every pool; optional
 * ceilings:                                     # per pool name; a number or a database share
 *   orders: 40
 *   reports: { database: reporting, instances: 2 }
 * ceilingFromDatabase: { database: main, instances: 3 }   # every pool; optional
 * settle: 2s                                    # how long an action waits for the connections to follow
 * remotes:                                      # pools of other JVMs, over JMX
 *   app-1: { url: "service:jmx:rmi:///jndi/rmi://app-1:9010/jmxrmi", pools: "orders*", user: u, password: p, timeout: 5s }
 * }</pre>
 */
final class HikariSettings {

    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final String URL_EXAMPLE = "service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi";

    private final List<Ceiling> everyPool;
    private final Map<String, Ceiling> byPool;
    private final Duration settle;
    private final Map<String, Remote> remotes;

    /**
     * A JVM whose pools are reached over JMX.
     *
     * @param pools the pool names looked for there when a target names no remote
     */
    record Remote(String name, JMXServiceURL url, String user, String password, Duration timeout, NameFilter pools) {
        /** Never shows the password. */
        @Override
        public String toString() {
            return "Remote[" + name + ", url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + ", timeout=" + SettingsReader.format(timeout) + ", pools=" + pools + "]";
        }
    }

    private HikariSettings(List<Ceiling> everyPool, Map<String, Ceiling> byPool, Duration settle, Map<String, Remote> remotes) {
        this.everyPool = List.copyOf(everyPool);
        this.byPool = Map.copyOf(byPool);
        this.settle = settle;
        this.remotes = Collections.unmodifiableMap(new LinkedHashMap<>(remotes));
    }

    /** Every ceiling that applies to a pool (by its name, without a remote): the lowest holds. */
    List<Ceiling> ceilingsFor(String pool) {
        List<Ceiling> out = new ArrayList<>(everyPool);
        Ceiling own = byPool.get(pool);
        if (own != null) {
            out.add(own);
        }
        return out;
    }

    Duration settle() {
        return settle;
    }

    /** The remotes in the order the settings list them. */
    Map<String, Remote> remotes() {
        return remotes;
    }

    /**
     * @throws IllegalArgumentException naming the setting, the value and what is expected
     */
    static HikariSettings parse(Map<String, Object> settings, Map<String, Database> databases) {
        SettingsReader reader = new SettingsReader(settings, "");
        reader.requireOnly("the hikari plugin", "ceiling", "ceilings", "ceilingFromDatabase", "settle", "remotes");
        List<Ceiling> everyPool = new ArrayList<>();
        Integer ceiling = reader.wholeNumber("ceiling", 1);
        if (ceiling != null) {
            everyPool.add(new Ceiling.Fixed(ceiling, "ceiling"));
        }
        SettingsReader fromDatabase = reader.section("ceilingFromDatabase");
        if (fromDatabase != null) {
            everyPool.add(databaseShare(fromDatabase, databases));
        }
        Map<String, Ceiling> byPool = new LinkedHashMap<>();
        SettingsReader ceilings = reader.section("ceilings");
        if (ceilings != null) {
            for (String pool : ceilings.keys()) {
                Object value = ceilings.raw(pool);
                byPool.put(pool, value instanceof Map
                        ? databaseShare(ceilings.section(pool), databases)
                        : new Ceiling.Fixed(SettingsReader.wholeNumber(ceilings.path(pool), value, 1), ceilings.path(pool)));
            }
        }
        Duration settle = reader.duration("settle", DEFAULT_SETTLE, Duration.ZERO, Duration.ofMinutes(1));
        Map<String, Remote> remotes = new LinkedHashMap<>();
        SettingsReader remoteSection = reader.section("remotes");
        if (remoteSection != null) {
            for (String name : remoteSection.keys()) {
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
                    throw new IllegalArgumentException("remotes: the name '" + name
                            + "' must be letters, digits, '_', '.' or '-' (it prefixes targets: " + name + "/orders)");
                }
                remotes.put(name, remote(name, remoteSection.section(name)));
            }
        }
        return new HikariSettings(everyPool, byPool, settle, remotes);
    }

    private static Ceiling.DatabaseShare databaseShare(SettingsReader share, Map<String, Database> databases) {
        share.requireOnly("a database share", "database", "instances");
        String name = share.text("database");
        if (name == null) {
            throw new IllegalArgumentException(share.path("database") + " is required: the name of a database in "
                    + "governor.yaml's databases, e.g. main");
        }
        Database database = databases.get(name);
        if (database == null) {
            throw new IllegalArgumentException(share.path("database") + " names '" + name + "', which is not in governor.yaml's "
                    + "databases" + (databases.isEmpty() ? " (none is configured)" : " (" + String.join(", ",
                    new TreeSet<>(databases.keySet())) + ")"));
        }
        Integer instances = share.wholeNumber("instances", 1);
        return new Ceiling.DatabaseShare(database, instances == null ? 1 : instances, share.name());
    }

    private static Remote remote(String name, SettingsReader remote) {
        if (remote == null) {
            throw new IllegalArgumentException("remotes." + name + " must be a map with url, and optionally pools, user, "
                    + "password and timeout");
        }
        remote.requireOnly("a remote", "url", "pools", "user", "password", "timeout");
        String text = remote.text("url");
        if (text == null) {
            throw new IllegalArgumentException(remote.path("url") + " is required, e.g. " + URL_EXAMPLE);
        }
        JMXServiceURL url;
        try {
            url = new JMXServiceURL(text);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(remote.path("url") + " must be a JMX service URL such as " + URL_EXAMPLE
                    + ", was '" + text + "' (" + e.getMessage() + ")");
        }
        if (!"rmi".equals(url.getProtocol()) || JmxConnection.address(url) == null) {
            throw new IllegalArgumentException(remote.path("url") + " must be a JMX-over-RMI URL naming a host, such as "
                    + URL_EXAMPLE + ", was '" + text + "'");
        }
        String user = remote.text("user");
        String password = remote.has("password") ? remote.raw("password").toString() : null;
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException(remote.path("user") + " and " + remote.path("password")
                    + " go together: set both or neither");
        }
        Duration timeout = remote.duration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(5));
        List<String> pools = remote.texts("pools");
        return new Remote(name, url, user, password, timeout, pools == null ? NameFilter.ALL : new NameFilter(pools));
    }
}
