package dev.governor.plugin.hikari;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.rmi.server.RMIClientSocketFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JMX connection to another JVM, opened on first use and reopened after a failure, whose every call
 * (connecting included) returns or fails within a timeout.
 *
 * <p>JMX over RMI has no timeouts of its own: a firewalled host, or a peer that accepts a connection and
 * never answers, blocks the calling thread for minutes. So calls run on a worker thread and the caller
 * waits at most the timeout. A call that outlives it is left to finish on its own; if it is still
 * blocked at the next call, its worker is abandoned (it disconnects and ends when the call returns) and
 * the next call starts afresh on a new worker. At most {@link #MAX_BLOCKED} workers may be blocked at
 * once; beyond that, calls fail at once until one of them returns, so a dead peer cannot pile up threads.
 * The RMI registry lookup also gets socket connect and read timeouts.
 *
 * <p>Thread-safe: calls from several action workers take turns, each waiting at most the timeout of the
 * call before it plus its own.
 *
 * <p>A copy of the engine's connection for the {@code hikari} sampler, with calls that may also write
 * (plugins do not depend on the engine).
 */
final class JmxConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JmxConnection.class);

    /** Workers left blocked on a peer that never answered, at most. */
    static final int MAX_BLOCKED = 2;

    /**
     * The JMX client's own heartbeat, every minute by default, on a thread of its own that a hung peer
     * would block with no bound: off, since every sample checks the connection anyway.
     */
    private static final String CONNECTION_CHECK_PERIOD = "jmx.remote.x.client.connection.check.period";

    /** The JNDI environment key under which the RMI registry lookup takes its socket factory. */
    private static final String JNDI_RMI_SOCKET_FACTORY = "com.sun.jndi.rmi.factory.socket";

    private final JMXServiceURL url;
    private final String address;
    private final Duration timeout;
    /** Holds the credentials, if any: never logged. */
    private final Map<String, Object> environment;
    private final List<Worker> blocked = new ArrayList<>();
    private Worker worker;

    /** Reads or writes through a connected {@link MBeanServerConnection}. */
    @FunctionalInterface
    interface Call<T> {
        T apply(MBeanServerConnection server) throws IOException, JMException;
    }

    /**
     * @param user     null for a server without authentication
     * @param password the user's password; null with a null user
     */
    JmxConnection(JMXServiceURL url, String user, String password, Duration timeout) {
        this.url = url;
        this.address = address(url);
        this.timeout = timeout;
        Map<String, Object> env = new HashMap<>();
        if (user != null) {
            env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        }
        env.put(CONNECTION_CHECK_PERIOD, 0L);
        env.put(JNDI_RMI_SOCKET_FACTORY, new TimeoutSocketFactory(Math.toIntExact(Math.max(1, timeout.toMillis()))));
        this.environment = Map.copyOf(env);
    }

    /**
     * The host and port a JMX service URL leads to: the RMI registry's for a
     * {@code service:jmx:rmi:///jndi/rmi://host:port/name} URL, else the URL's own.
     *
     * @return {@code host:port}, or null when the URL names no host
     */
    static String address(JMXServiceURL url) {
        String path = url.getURLPath();
        if (path.startsWith("/jndi/")) {
            try {
                URI registry = URI.create(path.substring("/jndi/".length()));
                if (registry.getHost() == null || registry.getHost().isBlank()) {
                    return null;
                }
                return registry.getHost() + ":" + (registry.getPort() < 0 ? 1099 : registry.getPort());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            return null;
        }
        return url.getHost() + ":" + url.getPort();
    }

    /** {@code host:port}, as in {@link #address(JMXServiceURL)}. */
    String address() {
        return address;
    }

    /**
     * Runs a call on the connection, connecting first if needed.
     *
     * @throws IOException when the peer cannot be reached, fails, or does not answer within the timeout
     */
    synchronized <T> T call(Call<T> call) throws IOException, InterruptedException {
        blocked.removeIf(Worker::finished);
        if (worker != null && worker.busy()) {
            LOG.debug("Abandoning a JMX call to {} that is still blocked", address);
            worker.abandon();
            blocked.add(worker);
            worker = null;
        }
        if (blocked.size() >= MAX_BLOCKED) {
            throw new IOException(blocked.size() + " earlier JMX calls to " + address
                    + " are still blocked; not trying again until one returns");
        }
        if (worker == null) {
            worker = new Worker();
        }
        Future<T> future = worker.submit(call);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no answer from JMX at " + address + " within " + SettingsReader.format(timeout));
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private IOException failure(Throwable cause) {
        if (cause instanceof IOException io && io.getMessage() != null && io.getMessage().contains(address)) {
            return io;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // RMI nests its causes over several lines: keep the text on one.
        message = message.replaceAll("\\s+", " ");
        return new IOException("JMX at " + address + ": " + message, cause);
    }

    /** Disconnects, without waiting for a peer that does not answer. */
    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.abandon();
            worker = null;
        }
    }

    /** One thread and the connector it owns; the connector is touched by that thread only. */
    private final class Worker {

        private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "governor-jmx-" + address);
            thread.setDaemon(true);
            return thread;
        });
        private JMXConnector connector;
        private Future<?> last;

        <T> Future<T> submit(Call<T> call) {
            Future<T> future = executor.submit(() -> run(call));
            last = future;
            return future;
        }

        private <T> T run(Call<T> call) throws IOException, JMException {
            try {
                if (connector == null) {
                    connector = JMXConnectorFactory.connect(url, environment);
                }
                return call.apply(connector.getMBeanServerConnection());
            } catch (IOException | RuntimeException e) {
                disconnect();
                throw e;
            }
        }

        boolean busy() {
            return last != null && !last.isDone();
        }

        /** Disconnects and ends the thread once the call in progress, if any, returns. */
        void abandon() {
            executor.execute(this::disconnect);
            executor.shutdown();
        }

        boolean finished() {
            return executor.isTerminated();
        }

        private void disconnect() {
            if (connector != null) {
                try {
                    connector.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Closing the JMX connection to {}: {}", address, e.toString());
                }
                connector = null;
            }
        }
    }

    /**
     * Client sockets with a connect and a read timeout, for the RMI registry lookup. RMI sets its own read
     * timeouts on the socket (a minute for the handshake, none for replies); they are capped to ours.
     */
    private record TimeoutSocketFactory(int timeoutMillis) implements RMIClientSocketFactory, Serializable {

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = new BoundedSocket(timeoutMillis);
            try {
                socket.connect(new InetSocketAddress(host, port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** A socket whose read timeout never exceeds a bound (0, no timeout, included). */
    private static final class BoundedSocket extends Socket {

        private final int maxTimeoutMillis;

        BoundedSocket(int maxTimeoutMillis) {
            this.maxTimeoutMillis = maxTimeoutMillis;
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            super.setSoTimeout(timeout == 0 ? maxTimeoutMillis : Math.min(timeout, maxTimeoutMillis));
        }
    }
}
