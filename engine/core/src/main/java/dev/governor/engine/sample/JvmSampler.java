package dev.governor.engine.sample;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.governor.api.Fact;
import dev.governor.api.GcPause;
import dev.governor.api.JvmSample;
import dev.governor.api.MemoryPoolSample;
import dev.governor.engine.config.Durations;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples a Java virtual machine through its platform MXBeans, with no agent (sampler {@code jvm}): one
 * {@link JvmSample}, one {@link MemoryPoolSample} per memory pool, and one {@link GcPause} per collection
 * announced since the previous sample.
 *
 * <p>Garbage collection:
 * <ul>
 *   <li>{@code gcCount} and {@code gcSeconds} are the growth of the collectors' counters since the previous
 *       sample (0 on the first sample); {@code gcMaxPauseSeconds} is the longest collection announced in the
 *       same interval.</li>
 *   <li>Pauses come from the collectors' notifications ({@link GarbageCollectionNotificationInfo}); a listener
 *       is registered on each collector at the first sample and removed at {@link #close()}. Pauses wait in
 *       a queue between samples; beyond {@value #MAX_BUFFERED_PAUSES} the oldest are dropped, counted and
 *       logged.</li>
 *   <li>Concurrent cycles are not pauses and are left out of all of these: collectors whose name ends in
 *       {@code Cycles} ({@code ZGC Cycles}, {@code Shenandoah Cycles}, {@code ZGC Major Cycles}),
 *       {@code G1 Concurrent GC}, and notifications whose cause is {@code No GC}. With ZGC and Shenandoah,
 *       {@code gcCount} therefore counts their (short) pauses.</li>
 *   <li>{@code liveSetBytes} is the old generation's usage right after the last collection that covered it
 *       ({@link MemoryPoolMXBean#getCollectionUsage()}). The old generation is the heap pool named
 *       {@code ... Old Gen}, {@code Tenured ...} or {@code ... Old Generation} (G1, Parallel, Serial, CMS,
 *       generational ZGC); else the only heap pool (ZGC, Shenandoah, which collect the whole heap); else the
 *       heap pool the fewest collectors manage, when only one does (the pool only the major collector
 *       collects). It is null until such a collection has run (its collection usage is still all zero).</li>
 * </ul>
 *
 * <p>Options: {@code name} (default {@code local}) is the JVM's name in the facts. {@code url}, a JMX service
 * URL such as {@code service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi}, samples another JVM over JMX instead of
 * this one: it connects at the first sample, reconnects after a failure, and each sample (connecting
 * included) must answer within {@code timeout} (default 5s), else it fails and the endpoint reports
 * {@link dev.governor.api.SourceDown}.
 */
public final class JvmSampler implements Sampler {

    /** Pauses kept between two samples; the oldest are dropped beyond this. */
    static final int MAX_BUFFERED_PAUSES = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(JvmSampler.class);

    /** The sampler's options; see the class comment. */
    record Options(String name, String url, Duration timeout) {

        static final Set<String> NAMES = Set.of("name", "url", "timeout");

        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        /** @throws IllegalArgumentException naming the option and what it expects */
        static Options parse(Map<String, String> options) {
            String name = options.getOrDefault("name", "local").strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("jvm: option name is empty; expected the JVM's name in facts, e.g. orders");
            }
            String url = options.get("url");
            if (url != null) {
                url = url.strip();
                try {
                    new JMXServiceURL(url);
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("jvm: option url='" + url + "' is not a JMX service URL ("
                            + e.getMessage() + "); expected e.g. service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi");
                }
            }
            Duration timeout = DEFAULT_TIMEOUT;
            String text = options.get("timeout");
            if (text != null) {
                try {
                    timeout = Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("jvm: option timeout: " + e.getMessage());
                }
                if (timeout.isZero() || timeout.isNegative()) {
                    throw new IllegalArgumentException("jvm: option timeout='" + text + "' must be longer than 0");
                }
            }
            return new Options(name, url, timeout);
        }
    }

    private final Clock clock;
    private final Options options;
    private final Deque<GcPause> pauses = new ArrayDeque<>();
    private long droppedPauses;
    private long reportedDrops;

    // Local: touched by the sampling thread. Remote: touched only by the worker thread, one task at a time.
    private Session session;
    private ExecutorService worker;
    private Future<List<Fact>> pending;
    private volatile JMXConnector connector;

    public JvmSampler(Clock clock) {
        this(clock, Options.parse(Map.of()));
    }

    JvmSampler(Clock clock, Options options) {
        this.clock = clock;
        this.options = options;
    }

    /** The factory behind {@code governor-sample:jvm}. */
    static SamplerFactory factory(Clock clock) {
        return new SamplerFactory() {
            @Override
            public Set<String> optionNames() {
                return Options.NAMES;
            }

            @Override
            public void validate(Map<String, String> options) {
                Options.parse(options);
            }

            @Override
            public Sampler create(Map<String, String> options) {
                return new JvmSampler(clock, Options.parse(options));
            }
        };
    }

    @Override
    public String source() {
        return "jvm/" + options.name();
    }

    @Override
    public synchronized List<Fact> sample() throws Exception {
        if (options.url() == null) {
            if (session == null) {
                session = Session.local(this);
            }
            return session.read();
        }
        return remote(() -> {
            if (session == null) {
                session = Session.remote(this, connect());
            }
            try {
                return session.read();
            } catch (Exception | Error e) {
                closeSession();
                throw e;
            }
        });
    }

    /** Runs a remote task on the worker thread and waits for it at most {@code timeout}. */
    private List<Fact> remote(Callable<List<Fact>> task) throws Exception {
        long timeoutMillis = options.timeout().toMillis();
        if (pending != null && !pending.isDone()) {
            throw new TimeoutException("JVM " + options.name() + " at " + options.url()
                    + ": the previous request has still not returned");
        }
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "governor-jvm-" + options.name());
                thread.setDaemon(true);
                return thread;
            });
        }
        pending = worker.submit(task);
        try {
            return pending.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeConnectorInBackground();
            throw new TimeoutException("JVM " + options.name() + " at " + options.url() + " did not answer within "
                    + Durations.format(options.timeout()));
        } catch (ExecutionException e) {
            throw describe(e.getCause());
        }
    }

    private JMXConnector connect() throws IOException {
        JMXConnector connected = JMXConnectorFactory.connect(new JMXServiceURL(options.url()), Map.of());
        connector = connected;
        return connected;
    }

    /** Unblocks a request stuck on a connection that does not answer, without waiting for it. */
    private void closeConnectorInBackground() {
        JMXConnector stuck = connector;
        if (stuck != null) {
            Thread closer = new Thread(() -> closeQuietly(stuck), "governor-jvm-close-" + options.name());
            closer.setDaemon(true);
            closer.start();
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
        connector = null;
    }

    private static void closeQuietly(JMXConnector connector) {
        try {
            connector.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a JMX connection failed: {}", e.toString());
        }
    }

    /** A remote failure as an exception whose message says which JVM and what went wrong. */
    private Exception describe(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof UndeclaredThrowableException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Error error) {
            throw error;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new IOException("JVM " + options.name() + " at " + options.url() + ": " + message, cause);
    }

    /** Adds a pause to the queue, dropping the oldest when it is full. */
    void onPause(GcPause pause) {
        synchronized (pauses) {
            if (pauses.size() >= MAX_BUFFERED_PAUSES) {
                pauses.removeFirst();
                droppedPauses++;
            }
            pauses.addLast(pause);
        }
    }

    /** Pauses dropped because the queue was full, since the sampler was created. */
    long droppedPauses() {
        synchronized (pauses) {
            return droppedPauses;
        }
    }

    /** Pauses waiting for the next sample. */
    int bufferedPauses() {
        synchronized (pauses) {
            return pauses.size();
        }
    }

    private List<GcPause> drainPauses() {
        synchronized (pauses) {
            List<GcPause> drained = new ArrayList<>(pauses);
            pauses.clear();
            return drained;
        }
    }

    @Override
    public synchronized void close() {
        if (options.url() == null) {
            closeSession();
            return;
        }
        if (worker != null) {
            if (pending != null && !pending.isDone()) {
                closeConnectorInBackground();
            } else {
                Future<?> closing = worker.submit(this::closeSession);
                try {
                    closing.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Closing the connection to JVM {} failed: {}", options.name(), e.toString());
                    closeConnectorInBackground();
                }
            }
            worker.shutdown();
            worker = null;
        }
    }

    /**
     * Whether a collector's time is a concurrent cycle rather than a pause: such collectors run beside
     * the application and their "duration" is not time the application stood still.
     */
    static boolean concurrent(String collector, String cause) {
        return collector.endsWith("Cycles") || collector.equals("G1 Concurrent GC") || "No GC".equals(cause);
    }

    /** A memory pool as the old-generation rule sees it. */
    record PoolShape(String name, boolean heap, List<String> managers) {
    }

    /** The old-generation pool by the rule in the class comment; null when the rule finds none. */
    static String oldGeneration(List<PoolShape> pools) {
        List<PoolShape> heap = pools.stream().filter(PoolShape::heap).toList();
        for (PoolShape pool : heap) {
            String name = pool.name();
            if (name.contains("Old Gen") || name.contains("Tenured")) {
                return name;
            }
        }
        if (heap.size() == 1) {
            return heap.get(0).name();
        }
        int fewest = heap.stream().mapToInt(pool -> pool.managers().size()).min().orElse(0);
        List<PoolShape> candidates = heap.stream().filter(pool -> pool.managers().size() == fewest).toList();
        return candidates.size() == 1 ? candidates.get(0).name() : null;
    }

    /** One connection to a JVM: its beans, the listeners on its collectors and the previous counters. */
    private static final class Session implements NotificationListener {

        private final JvmSampler sampler;
        private final MBeanServerConnection server;
        private final JMXConnector connector;
        private final long startMillis;
        private final MemoryMXBean memory;
        private final List<MemoryPoolMXBean> pools;
        private final MemoryPoolMXBean oldGeneration;
        private final List<GarbageCollectorMXBean> collectors;
        private final ThreadMXBean threads;
        private final List<BufferPoolMXBean> buffers;
        private final List<ObjectName> listening = new ArrayList<>();
        private Map<String, long[]> previous;

        private Session(JvmSampler sampler, MBeanServerConnection server, JMXConnector connector, RuntimeMXBean runtime,
                        MemoryMXBean memory, List<MemoryPoolMXBean> pools, List<GarbageCollectorMXBean> collectors,
                        ThreadMXBean threads, List<BufferPoolMXBean> buffers) {
            this.sampler = sampler;
            this.server = server;
            this.connector = connector;
            this.startMillis = runtime.getStartTime();
            this.memory = memory;
            this.pools = pools;
            this.collectors = collectors;
            this.threads = threads;
            this.buffers = buffers;
            List<PoolShape> shapes = new ArrayList<>();
            for (MemoryPoolMXBean pool : pools) {
                shapes.add(new PoolShape(pool.getName(), pool.getType() == MemoryType.HEAP,
                        Arrays.asList(pool.getMemoryManagerNames())));
            }
            String old = oldGeneration(shapes);
            this.oldGeneration = pools.stream().filter(pool -> pool.getName().equals(old)).findFirst().orElse(null);
        }

        static Session local(JvmSampler sampler) throws JMException, IOException {
            Session session = new Session(sampler, ManagementFactory.getPlatformMBeanServer(), null,
                    ManagementFactory.getRuntimeMXBean(), ManagementFactory.getMemoryMXBean(),
                    ManagementFactory.getMemoryPoolMXBeans(), ManagementFactory.getGarbageCollectorMXBeans(),
                    ManagementFactory.getThreadMXBean(), ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class));
            session.listen();
            return session;
        }

        static Session remote(JvmSampler sampler, JMXConnector connector) throws JMException, IOException {
            try {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                Session session = new Session(sampler, server, connector,
                        ManagementFactory.getPlatformMXBean(server, RuntimeMXBean.class),
                        ManagementFactory.getPlatformMXBean(server, MemoryMXBean.class),
                        ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class),
                        ManagementFactory.getPlatformMXBeans(server, GarbageCollectorMXBean.class),
                        ManagementFactory.getPlatformMXBean(server, ThreadMXBean.class),
                        ManagementFactory.getPlatformMXBeans(server, BufferPoolMXBean.class));
                session.listen();
                return session;
            } catch (IOException | JMException | RuntimeException e) {
                closeQuietly(connector);
                throw e;
            }
        }

        private void listen() throws JMException, IOException {
            for (GarbageCollectorMXBean collector : collectors) {
                ObjectName name = collector.getObjectName();
                server.addNotificationListener(name, this, null, null);
                listening.add(name);
            }
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())
                    || !(notification.getUserData() instanceof CompositeData data)) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(data);
            if (concurrent(info.getGcName(), info.getGcCause())) {
                return;
            }
            GcInfo gc = info.getGcInfo();
            sampler.onPause(new GcPause(sampler.options.name(), info.getGcName(), info.getGcAction(), info.getGcCause(),
                    Math.max(0, gc.getDuration()) / 1000.0, Instant.ofEpochMilli(startMillis + gc.getEndTime())));
        }

        List<Fact> read() {
            String jvm = sampler.options.name();
            Instant at = sampler.clock.instant();
            List<Fact> facts = new ArrayList<>();

            long gcCount = 0;
            long gcMillis = 0;
            Map<String, long[]> counters = new HashMap<>();
            for (GarbageCollectorMXBean collector : collectors) {
                String name = collector.getName();
                if (concurrent(name, null)) {
                    continue;
                }
                long[] now = {Math.max(0, collector.getCollectionCount()), Math.max(0, collector.getCollectionTime())};
                counters.put(name, now);
                long[] before = previous == null ? now : previous.getOrDefault(name, now);
                // A counter that went down belongs to a JVM that restarted behind the same address.
                gcCount += now[0] >= before[0] ? now[0] - before[0] : now[0];
                gcMillis += now[1] >= before[1] ? now[1] - before[1] : now[1];
            }
            previous = counters;

            List<GcPause> drained = sampler.drainPauses();
            double maxPause = drained.stream().mapToDouble(GcPause::durationSeconds).max().orElse(0);

            Long liveSet = null;
            for (MemoryPoolMXBean pool : pools) {
                MemoryUsage usage = pool.getUsage();
                if (usage == null) {
                    continue; // the pool is no longer valid
                }
                MemoryUsage collection = pool.getCollectionUsage();
                if (pool == oldGeneration && collection != null
                        && (collection.getUsed() > 0 || collection.getCommitted() > 0)) {
                    liveSet = collection.getUsed();
                }
                facts.add(new MemoryPoolSample(jvm, pool.getName(), pool.getType() == MemoryType.HEAP, usage.getUsed(),
                        usage.getCommitted(), Math.max(0, usage.getMax()),
                        collection == null ? null : collection.getUsed(), at));
            }

            long directUsed = 0;
            long directCapacity = 0;
            long mappedUsed = 0;
            for (BufferPoolMXBean buffer : buffers) {
                if (buffer.getName().equals("direct")) {
                    directUsed = Math.max(0, buffer.getMemoryUsed());
                    directCapacity = Math.max(0, buffer.getTotalCapacity());
                } else if (buffer.getName().startsWith("mapped")) {
                    mappedUsed += Math.max(0, buffer.getMemoryUsed());
                }
            }

            MemoryUsage heap = memory.getHeapMemoryUsage();
            MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
            facts.add(0, new JvmSample(jvm, heap.getUsed(), heap.getCommitted(), Math.max(0, heap.getMax()),
                    nonHeap.getUsed(), nonHeap.getCommitted(), liveSet, gcCount, gcMillis / 1000.0, maxPause,
                    threads.getThreadCount(), threads.getDaemonThreadCount(), threads.getPeakThreadCount(),
                    directUsed, directCapacity, mappedUsed, at));
            facts.addAll(drained);

            long dropped = sampler.takeDroppedSinceLastRead();
            if (dropped > 0) {
                LOG.warn("JVM {}: dropped {} GC pause events; more than {} arrived between two samples", jvm, dropped,
                        MAX_BUFFERED_PAUSES);
            }
            return facts;
        }

        void close() {
            for (ObjectName name : listening) {
                try {
                    server.removeNotificationListener(name, this);
                } catch (JMException | IOException | RuntimeException e) {
                    LOG.debug("Removing the GC listener on {} failed: {}", name, e.toString());
                }
            }
            listening.clear();
            if (connector != null) {
                closeQuietly(connector);
            }
        }
    }

    /** Drops not yet logged. */
    private long takeDroppedSinceLastRead() {
        synchronized (pauses) {
            long fresh = droppedPauses - reportedDrops;
            reportedDrops = droppedPauses;
            return fresh;
        }
    }
}
