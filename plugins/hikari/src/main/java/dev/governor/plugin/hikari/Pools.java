package dev.governor.plugin.hikari;

import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.Registry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;

/**
 * Finds the pool an action targets. A target {@code NAME} is looked for, in order: a
 * {@link HikariDataSource} registered in {@link Registry#global()} under that name; a registered data
 * source whose pool is named so; a pool MBean of that name in this JVM; then on each remote whose
 * {@code pools} match the name, in the order the settings list them. A target {@code REMOTE/NAME} is
 * looked for on that remote only.
 */
final class Pools implements AutoCloseable {

    private final Registry registry;
    private final Map<String, HikariSettings.Remote> remotes;
    private final Map<String, JmxConnection> connections = new LinkedHashMap<>();

    Pools(Registry registry, Map<String, HikariSettings.Remote> remotes) {
        this.registry = registry;
        this.remotes = remotes;
        remotes.forEach((name, remote) -> connections.put(name,
                new JmxConnection(remote.url(), remote.user(), remote.password(), remote.timeout())));
    }

    /** The pool a target names, with no remote prefix. */
    static String poolName(String target) {
        int slash = target.indexOf('/');
        return slash < 0 ? target : target.substring(slash + 1);
    }

    /**
     * @throws NotFound when no pool of that name is registered or visible, with what was looked at
     * @throws IOException when a remote that may have the pool cannot be asked
     */
    PoolAccess find(String target) throws NotFound, IOException, InterruptedException {
        int slash = target.indexOf('/');
        if (slash >= 0) {
            String remote = target.substring(0, slash);
            String pool = target.substring(slash + 1);
            if (!remotes.containsKey(remote)) {
                throw new NotFound("no remote named '" + remote + "' in plugins.settings.hikari.remotes"
                        + (remotes.isEmpty() ? " (none is configured)" : " (" + String.join(", ", remotes.keySet()) + ")"));
            }
            PoolAccess found = onRemote(remote, pool);
            if (found == null) {
                throw new NotFound("no pool named '" + pool + "' is visible over JMX at " + connections.get(remote).address()
                        + " (remote " + remote + ")");
            }
            return found;
        }
        PoolAccess local = local(target);
        if (local != null) {
            return local;
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, HikariSettings.Remote> remote : remotes.entrySet()) {
            if (remote.getValue().pools().matches(target)) {
                try {
                    PoolAccess found = onRemote(remote.getKey(), target);
                    if (found != null) {
                        return found;
                    }
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("no pool named '" + target + "' is registered in this JVM, and " + String.join("; ", failures));
        }
        throw new NotFound("no pool named '" + target + "' is registered or visible over JMX");
    }

    private PoolAccess local(String name) throws NotFound {
        HikariDataSource registered = registry.find(HikariDataSource.class, name).orElse(null);
        String where = "registered in this JVM";
        if (registered == null) {
            for (Map.Entry<String, HikariDataSource> entry : registry.all(HikariDataSource.class).entrySet()) {
                if (name.equals(entry.getValue().getPoolName())) {
                    registered = entry.getValue();
                    where = "registered in this JVM as " + entry.getKey();
                    break;
                }
            }
        }
        if (registered != null) {
            if (registered.isClosed() || registered.getHikariPoolMXBean() == null) {
                throw new NotFound("pool '" + name + "' is registered but not running (closed, or not started yet)");
            }
            return new LocalPool(name, where, registered);
        }
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        try {
            if (MBeanPool.exists(platform, name)) {
                return new MBeanPool(name, "an MBean in this JVM", new MBeanPool.Server() {
                    @Override
                    public <T> T call(JmxConnection.Call<T> call) throws IOException {
                        try {
                            return call.apply(platform);
                        } catch (JMException e) {
                            throw new IOException("pool '" + name + "' MBean: " + e.getMessage(), e);
                        }
                    }
                });
            }
        } catch (IOException | MalformedObjectNameException e) {
            return null;
        }
        return null;
    }

    private PoolAccess onRemote(String remote, String pool) throws IOException, InterruptedException {
        JmxConnection connection = connections.get(remote);
        if (!connection.call(server -> MBeanPool.exists(server, pool))) {
            return null;
        }
        try {
            return new MBeanPool(pool, "over JMX at " + connection.address() + " (remote " + remote + ")", connection::call);
        } catch (MalformedObjectNameException e) {
            return null;
        }
    }

    @Override
    public void close() {
        connections.values().forEach(JmxConnection::close);
    }

    /** No pool of the name; the message says where Governor looked. */
    static final class NotFound extends Exception {
        NotFound(String message) {
            super(message);
        }
    }
}
