package dev.governor.engine.sample;

import dev.governor.api.PoolSample;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.JMRuntimeException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads HikariCP pools through the MBeans a pool registers when {@code registerMbeans} is on:
 * {@code com.zaxxer.hikari:type=Pool (NAME)} for the counts and {@code com.zaxxer.hikari:type=PoolConfig (NAME)}
 * for the sizes. Works on this JVM's MBean server and on a remote one alike; neither exposes acquire
 * times or timeouts, so those stay null.
 */
final class HikariMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(HikariMBeans.class);

    private static final String POOL_PREFIX = "Pool (";
    private static final ObjectName POOLS = objectName("com.zaxxer.hikari:type=Pool (*)");
    private static final String[] POOL_ATTRIBUTES = {"ActiveConnections", "IdleConnections", "ThreadsAwaitingConnection"};
    private static final String[] CONFIG_ATTRIBUTES = {"MaximumPoolSize", "MinimumIdle"};

    private HikariMBeans() {
    }

    /**
     * One sample per pool MBean on the server, sorted by pool name; a pool that goes away while being
     * read is left out.
     *
     * @param include the pool names to report
     * @param skip    pool names reported already by other means
     * @throws IOException when the server cannot be reached
     */
    static List<PoolSample> read(MBeanServerConnection server, NameFilter include, Set<String> skip, Instant at)
            throws IOException {
        Map<String, ObjectName> pools = new HashMap<>();
        for (ObjectName name : server.queryNames(POOLS, null)) {
            String type = name.getKeyProperty("type");
            if (type.startsWith(POOL_PREFIX) && type.endsWith(")")) {
                pools.put(type.substring(POOL_PREFIX.length(), type.length() - 1), name);
            }
        }
        List<PoolSample> samples = new ArrayList<>();
        for (String pool : new TreeSet<>(pools.keySet())) {
            if (include.matches(pool) && !skip.contains(pool)) {
                try {
                    samples.add(readPool(server, pool, pools.get(pool), at));
                } catch (InstanceNotFoundException e) {
                    LOG.debug("Pool {} closed while being sampled", pool);
                } catch (JMException | JMRuntimeException e) {
                    LOG.debug("Pool {} has MBeans Governor cannot read: {}", pool, e.toString());
                }
            }
        }
        return samples;
    }

    private static PoolSample readPool(MBeanServerConnection server, String pool, ObjectName poolBean, Instant at)
            throws IOException, JMException {
        Map<String, Object> counts = values(server.getAttributes(poolBean, POOL_ATTRIBUTES));
        Map<String, Object> config = values(server.getAttributes(configOf(pool), CONFIG_ATTRIBUTES));
        return new PoolSample(pool,
                number(counts, "ActiveConnections"),
                number(counts, "IdleConnections"),
                number(counts, "ThreadsAwaitingConnection"),
                number(config, "MaximumPoolSize"),
                Math.max(0, number(config, "MinimumIdle")),
                null, null, at);
    }

    private static ObjectName configOf(String pool) throws MalformedObjectNameException {
        return new ObjectName("com.zaxxer.hikari:type=PoolConfig (" + pool + ")");
    }

    private static Map<String, Object> values(AttributeList attributes) {
        Map<String, Object> values = new HashMap<>();
        for (Attribute attribute : attributes.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        return values;
    }

    private static int number(Map<String, Object> values, String name) throws AttributeNotFoundException {
        if (values.get(name) instanceof Number number) {
            return number.intValue();
        }
        throw new AttributeNotFoundException("no number " + name);
    }

    private static ObjectName objectName(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
