package dev.governor.examples.diagnose;

import static dev.governor.testkit.OutcomeAssert.assertApplied;
import static dev.governor.testkit.OutcomeAssert.assertFailed;
import static dev.governor.testkit.OutcomeAssert.assertSkipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.testkit.PluginHarness;
import dev.governor.testkit.RecordingPluginContext;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

class DiagnosePluginTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private PluginHarness started(RecordingPluginContext context) {
        PluginHarness harness = PluginHarness.load("diagnose");
        toClose.add(0, harness);
        harness.start(context);
        return harness;
    }

    private RecordingPluginContext context() {
        return RecordingPluginContext.forPlugin("diagnose").withSetting("dir", dir.toString());
    }

    private static Action diagnose(String target, Map<String, Object> params) {
        return PluginHarness.action("jvm.diagnose", target, params);
    }

    @Test
    void aClassHistogramOfThisJvmIsWrittenAndTheOutcomeNamesTheFile() throws Exception {
        RecordingPluginContext context = context();
        PluginHarness harness = started(context);
        ActionOutcome outcome = harness.run(diagnose("self", Map.of("kind", "histogram")));
        Path file = dir.resolve("self-histogram-20260101T000000.000Z.txt");
        assertApplied(outcome)
                .messageMatches("class histogram of self written to " + java.util.regex.Pattern.quote(file.toString())
                        + " \\(\\d+ objects, \\d+ bytes, \\d+ bytes\\)");
        assertThat(Files.readString(file)).contains("java.lang.String").contains("Total");
        assertThat(context.unreadSettings()).isEmpty();
    }

    @Test
    void aThreadDumpHasEveryThreadWithItsLocks() throws Exception {
        PluginHarness harness = started(context());
        ActionOutcome outcome = harness.run(diagnose("self", Map.of("kind", "threads")));
        assertApplied(outcome).messageContains("thread dump of self written to ").messageContains(" threads, ");
        String dump = Files.readString(dir.resolve("self-threads-20260101T000000.000Z.txt"));
        assertThat(dump).contains("\"plugin-harness-diagnose\"").contains("Locked ownable synchronizers");
    }

    @Test
    void aJfrRecordingIsStartedAndWrittenWhenItEnds() throws Exception {
        PluginHarness harness = started(context());
        ActionOutcome outcome = harness.run(diagnose("self", Map.of("kind", "jfr", "duration", "1s")));
        Path file = dir.resolve("self-jfr-20260101T000000.000Z.jfr");
        assertApplied(outcome).messageContains("JFR recording of self for 1s started; written to " + file + " when it ends")
                .messageContains("(JFR: Started recording");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(file) && Files.size(file) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(file).isNotEmptyFile();
    }

    @Test
    void withCompressXzTheFileIsXzAndReadsBackWhole() throws Exception {
        PluginHarness harness = started(context().withSetting("compress", "xz"));
        assertApplied(harness.run(diagnose("self", Map.of("kind", "threads")))).messageContains(".txt.xz");
        Path file = dir.resolve("self-threads-20260101T000000.000Z.txt.xz");
        try (InputStream in = new XZInputStream(Files.newInputStream(file))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"plugin-harness-diagnose\"");
        }
    }

    @Test
    void theFolderKeepsMaxFilesTheOldestGoFirstAndOtherFilesStay() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not the plugin's");
        RecordingPluginContext context = context().withSetting("maxFiles", 2);
        PluginHarness harness = started(context);
        List<ActionOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(harness.run(diagnose("self", Map.of("kind", "threads"))));
            context.pseudoClock().advance(Duration.ofSeconds(1));
            Thread.sleep(20);  // distinct modification times
        }
        assertApplied(outcomes.get(1)).messageDoesNotContain("removed");
        assertApplied(outcomes.get(2)).messageContains("; removed the 1 oldest file(s), ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "notes.txt", "self-threads-20260101T000001.000Z.txt", "self-threads-20260101T000002.000Z.txt");
        }
    }

    @Test
    void twoCapturesInOneMillisecondGetTwoFiles() throws Exception {
        PluginHarness harness = started(context());
        harness.run(diagnose("self", Map.of("kind", "threads")));
        assertApplied(harness.run(diagnose("self", Map.of("kind", "threads"))))
                .messageContains("self-threads-20260101T000000.000Z-2.txt");
    }

    @Test
    void badParamsFailTheActionNamingTheParam() {
        PluginHarness harness = started(context());
        assertFailed(harness.run(diagnose("self", Map.of("kind", "heap"))))
                .messageMatches("params.kind: unknown kind 'heap'; expected one of: histogram, threads, jfr");
        assertFailed(harness.run(diagnose("self", Map.of())))
                .messageMatches("params.kind is required: one of histogram, threads, jfr");
        assertFailed(harness.run(diagnose("self", Map.of("kind", "threads", "depth", 3))))
                .messageContains("params.depth: unknown param; jvm.diagnose takes kind");
        assertFailed(harness.run(diagnose("self", Map.of("kind", "jfr", "duration", "1h"))))
                .messageMatches("params.duration 60m is outside 1s to 10m \\(plugins.settings.diagnose.maxJfrDuration\\)");
        assertFailed(harness.run(diagnose("self", Map.of("kind", "histogram", "duration", "10s"))))
                .messageMatches("params.duration is for kind jfr only, not histogram");
        assertFailed(harness.run(diagnose("self", Map.of("kind", "histogram", "all", "yes"))))
                .messageMatches("params.all must be true or false, was 'yes'");
        assertFailed(harness.run(diagnose("db-1", Map.of("kind", "threads"))))
                .messageMatches("unknown target 'db-1': jvm.diagnose takes 'self' \\(this JVM\\) or a remote from"
                        + " plugins.settings.diagnose.remotes \\(configured: none\\)");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aRemoteJvmIsReachedOverJmx() throws Exception {
        String url = jmxServer(ManagementFactory.getPlatformMBeanServer());
        PluginHarness harness = started(context().withSetting("remotes", Map.of("app-1", Map.of("url", url))));
        assertApplied(harness.run(diagnose("app-1", Map.of("kind", "threads"))))
                .messageContains("thread dump of app-1 written to " + dir.resolve("app-1-threads-20260101T000000.000Z.txt"));
    }

    @Test
    void aTargetWithoutDiagnosticCommandIsSkipped() throws Exception {
        MBeanServer bare = MBeanServerFactory.newMBeanServer();
        String url = jmxServer(bare);
        PluginHarness harness = started(context().withSetting("remotes", Map.of("bare", Map.of("url", url))));
        assertSkipped(harness.run(diagnose("bare", Map.of("kind", "histogram"))))
                .messageMatches("'bare' exposes no DiagnosticCommand MBean \\(com.sun.management:type=DiagnosticCommand\\),"
                        + " so no class histogram was taken: .*");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aRemoteThatNeverAnswersFailsWithinItsTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0);
        toClose.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + silent.getLocalPort() + "/jmxrmi";
        PluginHarness harness = started(context().withSetting("remotes",
                Map.of("stuck", Map.of("url", url, "timeout", "500ms"))));
        long started = System.nanoTime();
        assertFailed(harness.run(diagnose("stuck", Map.of("kind", "threads"))))
                .messageMatches("remote 'stuck' \\(" + java.util.regex.Pattern.quote(url)
                        + "\\) did not answer within 500ms \\(remotes.stuck.timeout\\)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void badSettingsStopStartUpWithTheFix() {
        PluginHarness harness = PluginHarness.load("diagnose");
        toClose.add(harness);
        assertThatThrownBy(() -> harness.start(RecordingPluginContext.forPlugin("diagnose")))
                .hasMessage("dir is required: the folder the diagnostics are written to, e.g. dir: diagnostics");
        assertThatThrownBy(() -> PluginHarness.load("diagnose").start(context().withSetting("maxFile", 3)))
                .hasMessage("unknown setting 'maxFile'; the diagnose plugin has: dir, maxFiles, maxBytes, compress, maxJfrDuration, remotes");
        assertThatThrownBy(() -> PluginHarness.load("diagnose").start(context().withSetting("compress", "zip")))
                .hasMessage("compress must be none or xz, was 'zip'");
        assertThatThrownBy(() -> PluginHarness.load("diagnose").start(context().withSetting("maxBytes", "lots")))
                .hasMessage("maxBytes must be a size such as 512KB, 100MB or 2GB, was 'lots'");
        assertThatThrownBy(() -> PluginHarness.load("diagnose").start(context()
                .withSetting("remotes", Map.of("app-1", Map.of("url", "http://app-1:9010")))))
                .hasMessageStartingWith("remotes.app-1.url must be a JMX service URL such as service:jmx:rmi:");
        assertThatThrownBy(() -> PluginHarness.load("diagnose").start(context()
                .withSetting("remotes", Map.of("self", Map.of("url", "service:jmx:rmi:///x")))))
                .hasMessageContaining("and not 'self'");
    }

    @Test
    void theRemotesPasswordIsNeverShown() {
        assertThat(new DiagnoseSettings.Remote("service:jmx:rmi:///x", "ops", "s3cret", Duration.ofSeconds(1)).toString())
                .doesNotContain("s3cret").contains("***");
    }

    /** A JMX connector server on {@code server}, on a port the system picks; its address carries the stub. */
    private String jmxServer(MBeanServer server) throws Exception {
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), null, server);
        connector.start();
        toClose.add(connector::stop);
        return connector.getAddress().toString();
    }
}
