package dev.governor.engine.sample;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.sql.Connection;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The other JVM of {@link RemoteHikariSamplerIT}: opens a HikariCP pool with its MBeans on, holds two of
 * its connections, serves JMX over RMI, and answers commands on standard input, one a line:
 * {@code counts}, {@code stop} (the connector server), {@code start} (it again, same port), {@code exit}.
 * Replies go to standard output as lines starting with {@value #REPLY}.
 */
public final class RemotePoolMain {

    static final String REPLY = "remote-pool ";

    private RemotePoolMain() {
    }

    public static void main(String[] args) throws Exception {
        String poolName = args[0];
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Registry registry = LocateRegistry.createRegistry(port);
        HikariConfig config = HikariSamplerIT.config(poolName, 4, 1);
        config.setRegisterMbeans(true);
        try (HikariDataSource dataSource = new HikariDataSource(config);
             Connection first = dataSource.getConnection();
             Connection second = dataSource.getConnection()) {
            HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pool.getIdleConnections() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            JMXConnectorServer server = start(port);
            reply("ready " + port);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                switch (line) {
                    case "counts" -> reply("counts " + pool.getActiveConnections() + " " + pool.getIdleConnections() + " "
                            + pool.getThreadsAwaitingConnection() + " " + dataSource.getMaximumPoolSize() + " "
                            + dataSource.getMinimumIdle());
                    case "stop" -> {
                        server.stop();
                        reply("stopped");
                    }
                    case "start" -> {
                        server = start(port);
                        reply("started");
                    }
                    default -> reply("unknown " + line);
                }
            }
            server.stop();
        }
        java.rmi.server.UnicastRemoteObject.unexportObject(registry, true);
        System.exit(0);
    }

    private static JMXConnectorServer start(int port) throws Exception {
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"), null,
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        return server;
    }

    private static void reply(String text) {
        System.out.println(REPLY + text);
        System.out.flush();
    }
}
