package dev.governor.plugin.hikari;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A pool reached through the MBeans HikariCP registers when {@code registerMbeans} is on:
 * {@code com.zaxxer.hikari:type=PoolConfig (NAME)} (attributes {@code MaximumPoolSize} and
 * {@code MinimumIdle}, writable) and {@code com.zaxxer.hikari:type=Pool (NAME)} (the counts, and the
 * operation {@code softEvictConnections}), on this JVM's MBean server or another JVM's over JMX.
 */
final class MBeanPool implements PoolAccess {

    private static final String[] POOL_ATTRIBUTES = {"TotalConnections", "ActiveConnections", "IdleConnections",
        "ThreadsAwaitingConnection"};
    private static final String[] CONFIG_ATTRIBUTES = {"MaximumPoolSize", "MinimumIdle"};

    /** Runs calls on an MBean server: this JVM's directly, another's through a {@link JmxConnection}. */
    interface Server {
        <T> T call(JmxConnection.Call<T> call) throws IOException, InterruptedException;
    }

    private final String name;
    private final String where;
    private final Server server;
    private final ObjectName pool;
    private final ObjectName config;

    MBeanPool(String name, String where, Server server) throws MalformedObjectNameException {
        this.name = name;
        this.where = where;
        this.server = server;
        this.pool = poolName(name);
        this.config = new ObjectName("com.zaxxer.hikari:type=PoolConfig (" + name + ")");
    }

    /** The name of a pool's {@code Pool} MBean. */
    static ObjectName poolName(String pool) throws MalformedObjectNameException {
        return new ObjectName("com.zaxxer.hikari:type=Pool (" + pool + ")");
    }

    /** Whether the server has the pool's MBean. */
    static boolean exists(MBeanServerConnection server, String pool) throws IOException {
        try {
            return server.isRegistered(poolName(pool));
        } catch (MalformedObjectNameException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public PoolState read() throws IOException, InterruptedException {
        return server.call(connection -> {
            Map<String, Object> counts = values(connection.getAttributes(pool, POOL_ATTRIBUTES));
            Map<String, Object> sizes = values(connection.getAttributes(config, CONFIG_ATTRIBUTES));
            return new PoolState(number(sizes, "MaximumPoolSize"), number(sizes, "MinimumIdle"),
                    number(counts, "TotalConnections"), number(counts, "ActiveConnections"),
                    number(counts, "IdleConnections"), number(counts, "ThreadsAwaitingConnection"));
        });
    }

    @Override
    public void setMaximumPoolSize(int max) throws IOException, InterruptedException {
        server.call(connection -> {
            connection.setAttribute(config, new Attribute("MaximumPoolSize", max));
            return null;
        });
    }

    @Override
    public void setMinimumIdle(int minIdle) throws IOException, InterruptedException {
        server.call(connection -> {
            connection.setAttribute(config, new Attribute("MinimumIdle", minIdle));
            return null;
        });
    }

    @Override
    public void softEvictConnections() throws IOException, InterruptedException {
        server.call(connection -> connection.invoke(pool, "softEvictConnections", new Object[0], new String[0]));
    }

    @Override
    public boolean openConnectionsNow(PoolState state) {
        return false;
    }

    private static Map<String, Object> values(AttributeList attributes) {
        Map<String, Object> values = new HashMap<>();
        for (Attribute attribute : attributes.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        return values;
    }

    private static int number(Map<String, Object> values, String attribute) throws JMException {
        if (values.get(attribute) instanceof Number number) {
            return number.intValue();
        }
        throw new JMException("the pool's MBean has no number " + attribute);
    }
}
