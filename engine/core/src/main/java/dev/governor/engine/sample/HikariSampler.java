package dev.governor.engine.sample;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.governor.api.PoolSample;
import dev.governor.api.Registry;
import dev.governor.engine.config.Durations;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.remote.JMXServiceURL;

/**
 * Samples HikariCP connection pools, one {@link PoolSample} per pool.
 *
 * <p>Without {@code url}, the pools of this JVM: every {@link HikariDataSource} registered in
 * {@link Registry#global()}, under its registered name (a data source whose pool has not started yet is
 * left out), then every pool visible as a {@code com.zaxxer.hikari:type=Pool (NAME)} MBean in the platform
 * MBean server that no registered data source covers, under its pool name. For a registered data source
 * that reports to no metrics tracker or registry, the first sample installs Governor's own tracker
 * (HikariCP allows one per pool, so the application cannot set its own afterwards), and samples then
 * carry the mean acquire time and the timeouts since the previous sample; other pools give null for both.
 * An application that binds its own metrics to a pool after it started turns this off with
 * {@code acquireStats=false}.
 *
 * <p>With {@code url}, the pools of another JVM through its MBeans over remote JMX, e.g.
 * {@code url=service:jmx:rmi:///jndi/rmi://db-app:9010/jmxrmi}, with {@code user} and {@code password} if
 * the server asks for them. The connection opens at the first sample, is reused, and reopens after a
 * failure; connecting and each sample are bounded by {@code timeout} (default 5s), after which the sample
 * fails and the endpoint reports the source ({@code hikari/HOST:PORT}) down. Remote pools give null
 * acquire times and timeouts.
 *
 * <p>Option {@code pools}: comma-separated names or globs to include; default every pool.
 */
public final class HikariSampler implements Sampler {

    public static final String NAME = "hikari";
    static final String URL = "url";
    static final String POOLS = "pools";
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String TIMEOUT = "timeout";
    static final String ACQUIRE_STATS = "acquireStats";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final String URL_EXAMPLE = "service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi";

    private final Registry registry;
    private final NameFilter pools;
    private final JmxConnection remote;
    private final Clock clock;
    private final boolean acquireStats;
    /** The acquire counts the previous sample saw, by registered name. */
    private final Map<String, Tracked> previous = new HashMap<>();

    /**
     * @param remote the connection to another JVM's pools; null for this JVM's
     */
    HikariSampler(Registry registry, NameFilter pools, JmxConnection remote, Clock clock) {
        this(registry, pools, remote, clock, true);
    }

    /**
     * @param acquireStats whether to install Governor's metrics tracker on registered pools that have none
     */
    HikariSampler(Registry registry, NameFilter pools, JmxConnection remote, Clock clock, boolean acquireStats) {
        this.registry = registry;
        this.pools = pools;
        this.remote = remote;
        this.clock = clock;
        this.acquireStats = acquireStats;
    }

    /** The factory behind {@code governor-sample:hikari}. */
    public static SamplerFactory factory(Clock clock) {
        return new SamplerFactory() {
            @Override
            public Set<String> optionNames() {
                return Set.of(URL, POOLS, USER, PASSWORD, TIMEOUT, ACQUIRE_STATS);
            }

            @Override
            public void validate(Map<String, String> options) {
                connection(options);
                NameFilter.parse(POOLS, options.get(POOLS));
                acquireStats(options.get(ACQUIRE_STATS));
            }

            @Override
            public Sampler create(Map<String, String> options) {
                return new HikariSampler(Registry.global(), NameFilter.parse(POOLS, options.get(POOLS)),
                        connection(options), clock, acquireStats(options.get(ACQUIRE_STATS)));
            }
        };
    }

    private static boolean acquireStats(String text) {
        if (text == null || text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("acquireStats: expected true or false, got '" + text + "'");
    }

    /** The remote connection the options describe, not yet connected; null for this JVM. */
    private static JmxConnection connection(Map<String, String> options) {
        String url = options.get(URL);
        String user = options.get(USER);
        String password = options.get(PASSWORD);
        Duration timeout = timeout(options.get(TIMEOUT));
        if (url == null) {
            if (user != null || password != null || options.containsKey(TIMEOUT)) {
                throw new IllegalArgumentException(
                        "user, password and timeout apply to remote pools only: set url too, e.g. url=" + URL_EXAMPLE);
            }
            return null;
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("user and password go together: set both or neither");
        }
        return new JmxConnection(serviceUrl(url), user, password, timeout);
    }

    private static JMXServiceURL serviceUrl(String text) {
        JMXServiceURL url;
        try {
            url = new JMXServiceURL(text.trim());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("url: expected a JMX service URL such as " + URL_EXAMPLE + ", got '"
                    + text + "' (" + e.getMessage() + ")");
        }
        if (!"rmi".equals(url.getProtocol())) {
            throw new IllegalArgumentException("url: only JMX over RMI is supported, as in " + URL_EXAMPLE
                    + ", got protocol '" + url.getProtocol() + "'");
        }
        if (JmxConnection.address(url) == null) {
            throw new IllegalArgumentException("url: names no host, expected a URL such as " + URL_EXAMPLE + ", got '"
                    + text + "'");
        }
        return url;
    }

    private static Duration timeout(String text) {
        if (text == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration timeout;
        try {
            timeout = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("timeout: " + e.getMessage());
        }
        if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("timeout: expected between 1ms and 5m, such as 5s, got '" + text + "'");
        }
        return timeout;
    }

    @Override
    public synchronized List<PoolSample> sample() throws IOException, InterruptedException {
        Instant at = clock.instant();
        if (remote != null) {
            return remote.call(server -> HikariMBeans.read(server, pools, Set.of(), at));
        }
        List<PoolSample> samples = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        Map<String, HikariDataSource> registered = registry.all(HikariDataSource.class);
        previous.keySet().retainAll(registered.keySet());
        registered.forEach((name, dataSource) -> {
            if (dataSource.getPoolName() != null) {
                covered.add(dataSource.getPoolName());
            }
            HikariPoolMXBean pool = dataSource.isClosed() ? null : dataSource.getHikariPoolMXBean();
            if (pool != null && pools.matches(name)) {
                samples.add(sample(name, dataSource, pool, at));
            }
        });
        samples.addAll(HikariMBeans.read(ManagementFactory.getPlatformMBeanServer(), pools, covered, at));
        return samples;
    }

    private PoolSample sample(String name, HikariDataSource dataSource, HikariPoolMXBean pool, Instant at) {
        int active = pool.getActiveConnections();
        int idle = pool.getIdleConnections();
        int waiting = pool.getThreadsAwaitingConnection();
        HikariConfigMXBean config = dataSource.getHikariConfigMXBean();
        Double acquireMillis = null;
        Long timeouts = null;
        AcquireTracker tracker = acquireStats ? AcquireTracker.installOn(dataSource) : null;
        if (tracker == null) {
            previous.remove(name);
        } else {
            AcquireTracker.Counts counts = tracker.counts();
            Tracked before = previous.put(name, new Tracked(tracker, counts));
            timeouts = 0L;
            if (before != null && before.tracker == tracker) {
                long attempts = counts.attempts() - before.counts.attempts();
                long waitedNanos = counts.waitedNanos() - before.counts.waitedNanos();
                acquireMillis = attempts > 0 ? Math.max(0, waitedNanos) / (double) attempts / 1_000_000.0 : null;
                timeouts = Math.max(0, counts.timeouts() - before.counts.timeouts());
            }
        }
        return new PoolSample(name, Math.max(0, active), Math.max(0, idle), Math.max(0, waiting),
                config.getMaximumPoolSize(), Math.max(0, config.getMinimumIdle()), acquireMillis, timeouts, at);
    }

    /** {@code hikari} for this JVM's pools, {@code hikari/HOST:PORT} for another's. */
    @Override
    public String source() {
        return remote == null ? NAME : NAME + "/" + remote.address();
    }

    @Override
    public synchronized void close() {
        if (remote != null) {
            remote.close();
        }
    }

    private record Tracked(AcquireTracker tracker, AcquireTracker.Counts counts) {
    }
}
