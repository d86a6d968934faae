package dev.governor.examples.diagnose;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.Durations;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Carries out {@code jvm.diagnose}. Thread-safe: it keeps no state between actions but the retention's
 * lock; each action opens (and closes) its own connection to a remote target.
 */
final class DiagnoseHandler implements ActionHandler {

    static final ObjectName DIAGNOSTIC_COMMAND = objectName("com.sun.management:type=DiagnosticCommand");
    private static final Set<String> PARAMS = Set.of("kind", "duration", "all");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DiagnoseSettings settings;
    private final Clock clock;
    private final Retention retention;
    /** Remote JMX calls run here, so that a peer that never answers costs the action its timeout, not a worker. */
    private final ExecutorService remoteCalls = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "diagnose-jmx");
        thread.setDaemon(true);
        return thread;
    });

    DiagnoseHandler(DiagnoseSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.retention = new Retention(settings.dir(), settings.maxFiles(), settings.maxBytes());
    }

    /** What one action asks for, its params checked. */
    private record Request(Kind kind, Duration duration, boolean all) {
    }

    @Override
    public ActionOutcome handle(Action action) throws Exception {
        Request request;
        try {
            request = request(action);
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        String target = action.target();
        DiagnoseSettings.Remote remote = settings.remotes().get(target);
        if (!target.equals(DiagnoseSettings.SELF) && remote == null) {
            return ActionOutcome.failed(action, "unknown target '" + target + "': jvm.diagnose takes 'self' (this JVM) or a"
                    + " remote from plugins.settings.diagnose.remotes (configured: "
                    + (settings.remotes().isEmpty() ? "none" : String.join(", ", settings.remotes().keySet())) + ")", clock.instant());
        }
        String stamp = STAMP.format(clock.instant());
        if (remote == null) {
            return capture(action, request, ManagementFactory.getPlatformMBeanServer(), stamp, false);
        }
        Future<ActionOutcome> call = remoteCalls.submit(() -> {
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(remote.url()), environment(remote))) {
                return capture(action, request, connector.getMBeanServerConnection(), stamp, true);
            }
        });
        try {
            return call.get(remote.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return ActionOutcome.failed(action, "remote '" + target + "' (" + remote.url() + ") did not answer within "
                    + describe(remote.timeout()) + " (remotes." + target + ".timeout)", clock.instant());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return ActionOutcome.failed(action, "remote '" + target + "' (" + remote.url() + "): " + cause, clock.instant());
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    private Request request(Action action) {
        for (String key : action.params().keySet()) {
            if (!PARAMS.contains(key)) {
                throw new IllegalArgumentException("params." + key + ": unknown param; jvm.diagnose takes kind ("
                        + Kind.names() + "), duration (jfr) and all (histogram)");
            }
        }
        Object kindParam = action.params().get("kind");
        if (kindParam == null) {
            throw new IllegalArgumentException("params.kind is required: one of " + Kind.names());
        }
        Kind kind = Kind.parse(kindParam);
        Duration duration = null;
        Object durationParam = action.params().get("duration");
        if (durationParam != null && kind != Kind.JFR) {
            throw new IllegalArgumentException("params.duration is for kind jfr only, not " + kind.label());
        }
        if (kind == Kind.JFR) {
            try {
                duration = durationParam == null ? Duration.ofSeconds(30) : Durations.parse(durationParam.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("params.duration: " + e.getMessage(), e);
            }
            if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(settings.maxJfrDuration()) > 0) {
                throw new IllegalArgumentException("params.duration " + describe(duration) + " is outside 1s to "
                        + describe(settings.maxJfrDuration()) + " (plugins.settings.diagnose.maxJfrDuration)");
            }
        }
        Object allParam = action.params().get("all");
        if (allParam != null && !(allParam instanceof Boolean)) {
            throw new IllegalArgumentException("params.all must be true or false, was '" + allParam + "'");
        }
        if (allParam != null && kind != Kind.HISTOGRAM) {
            throw new IllegalArgumentException("params.all is for kind histogram only, not " + kind.label());
        }
        return new Request(kind, duration, Boolean.TRUE.equals(allParam));
    }

    private ActionOutcome capture(Action action, Request request, MBeanServerConnection server, String stamp, boolean remote)
            throws IOException, JMException {
        String target = action.target();
        if (!server.isRegistered(DIAGNOSTIC_COMMAND)) {
            return ActionOutcome.skipped(action, "'" + target + "' exposes no DiagnosticCommand MBean (" + DIAGNOSTIC_COMMAND
                    + "), so no " + request.kind().description + " was taken: it needs a HotSpot JVM (OpenJDK, Temurin, Oracle)"
                    + " whose platform MBean server is the one reached", clock.instant());
        }
        boolean offered = Arrays.stream(server.getMBeanInfo(DIAGNOSTIC_COMMAND).getOperations())
                .map(MBeanOperationInfo::getName)
                .anyMatch(request.kind().operation::equals);
        if (!offered) {
            return ActionOutcome.skipped(action, "'" + target + "' offers no " + request.kind().operation
                    + " diagnostic command, so no " + request.kind().description + " was taken", clock.instant());
        }
        String baseName = target + "-" + request.kind().label() + "-" + stamp;
        if (request.kind() == Kind.JFR) {
            Path file = retention.reserve(baseName, ".jfr");
            String seconds = request.duration().toSeconds() + "s";
            String answer = invoke(server, request.kind(), "name=governor-" + stamp, "duration=" + seconds, "filename=" + file);
            Retention.Pruned pruned = retention.prune(file);
            return ActionOutcome.applied(action, request.kind().description + " of " + target + " for " + seconds
                    + " started; written to " + file + (remote ? " on the remote's host" : "") + " when it ends"
                    + pruned.note() + " (JFR: " + oneLine(answer) + ")", clock.instant());
        }
        String text = request.kind() == Kind.HISTOGRAM
                ? invoke(server, request.kind(), request.all() ? new String[] {"-all"} : new String[0])
                : invoke(server, request.kind(), "-l");
        Path file = write(baseName, text);
        Retention.Pruned pruned = retention.prune(file);
        return ActionOutcome.applied(action, request.kind().description + " of " + target + " written to " + file + " ("
                + summary(request.kind(), text) + ", " + Files.size(file) + " bytes)" + pruned.note(), clock.instant());
    }

    private static String invoke(MBeanServerConnection server, Kind kind, String... arguments) throws IOException, JMException {
        Object answer = server.invoke(DIAGNOSTIC_COMMAND, kind.operation, new Object[] {arguments},
                new String[] {String[].class.getName()});
        return answer == null ? "" : answer.toString();
    }

    /** Writes next to the final name, then moves: a reader never sees half a file. */
    private Path write(String baseName, String text) throws IOException {
        boolean xz = settings.compress() == DiagnoseSettings.Compression.XZ;
        Path file = retention.reserve(baseName, xz ? ".txt.xz" : ".txt");
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            try (OutputStream out = xz ? new XZOutputStream(Files.newOutputStream(partial), new LZMA2Options(3))
                    : Files.newOutputStream(partial)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return file;
    }

    /** A few words on what was captured: the histogram's totals, the number of threads. */
    static String summary(Kind kind, String text) {
        if (kind == Kind.HISTOGRAM) {
            java.util.List<String> lines = text.lines().toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                String[] fields = lines.get(i).trim().split("\\s+");
                if (fields.length >= 3 && fields[0].equals("Total")) {
                    return fields[1] + " objects, " + fields[2] + " bytes";
                }
            }
            return "no totals in the histogram";
        }
        long threads = text.lines().filter(line -> line.startsWith("\"")).count();
        return threads + " threads";
    }

    private static Map<String, Object> environment(DiagnoseSettings.Remote remote) {
        Map<String, Object> environment = new HashMap<>();
        if (remote.user() != null) {
            environment.put(JMXConnector.CREDENTIALS, new String[] {remote.user(), remote.password()});
        }
        return environment;
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        remoteCalls.shutdownNow();
    }
}
