package dev.governor.engine.sample.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.Samplers;
import dev.governor.engine.sample.postgres.PostgresOptions.View;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code governor check} says about a postgres endpoint's options, without reaching any database. */
class PostgresSamplerFactoryTest {

    private static final GovernorConfig.Database MAIN = GovernorConfig.Database.at("jdbc:postgresql://db1:5432/app", "gov");
    private static final GovernorConfig.Database REPORTS = GovernorConfig.Database.at("jdbc:postgresql://db2:5432/rep", "gov");

    private static PostgresSamplerFactory factory(Map<String, GovernorConfig.Database> databases) {
        return new PostgresSamplerFactory(Clock.systemUTC(), databases);
    }

    @Test
    void anUnknownDatabaseIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> factory(Map.of("main", MAIN, "reports", REPORTS)).validate(Map.of("database", "orders")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database 'orders'")
                .hasMessageContaining("main, reports");
    }

    @Test
    void namingADatabaseWhenNoneIsConfiguredShowsHowToAddOne() {
        assertThatThrownBy(() -> factory(Map.of()).validate(Map.of("database", "main")))
                .hasMessageContaining("no database is configured")
                .hasMessageContaining("databases:\n  main:\n    url: jdbc:postgresql://");
    }

    @Test
    void leftOutTheDatabaseMeansEveryConfiguredOneAndNoneMeansNoFacts() throws Exception {
        assertThatCode(() -> factory(Map.of()).validate(Map.of())).doesNotThrowAnyException();
        assertThatCode(() -> factory(Map.of("main", MAIN, "reports", REPORTS)).validate(Map.of())).doesNotThrowAnyException();
        assertThat(factory(Map.of("main", MAIN)).create(Map.of())).isInstanceOf(PostgresSampler.class)
                .extracting(Sampler::source).isEqualTo("postgres/main");
        assertThat(factory(Map.of("main", MAIN, "reports", REPORTS)).create(Map.of())).isInstanceOf(EveryDatabaseSampler.class);
        try (Sampler none = factory(Map.of()).create(Map.of("facts", "tables"))) {
            assertThat(none.sample()).isEmpty();
        }
        // The other options are still checked, for every database.
        assertThatThrownBy(() -> factory(Map.of("main", MAIN, "reports", REPORTS)).validate(Map.of("top", "x")))
                .hasMessageContaining("top must be a whole number");
    }

    @Test
    void badFactsAndTopValuesAreRefusedNamingTheOption() {
        PostgresSamplerFactory factory = factory(Map.of("main", MAIN));

        assertThatThrownBy(() -> factory.validate(Map.of("facts", "tables,locks")))
                .hasMessageContaining("facts: unknown kind 'locks'")
                .hasMessageContaining("server,databases,tables,holders,vacuum");
        assertThatThrownBy(() -> factory.validate(Map.of("facts", " , ")))
                .hasMessageStartingWith("facts must name at least one of");
        assertThatThrownBy(() -> factory.validate(Map.of("top", "0")))
                .hasMessage("top must be a whole number of tables >= 1, was '0'");
        assertThatThrownBy(() -> factory.validate(Map.of("top", "fifty")))
                .hasMessage("top must be a whole number of tables >= 1, was 'fifty'");
        assertThatThrownBy(() -> factory.validate(Map.of("schemas", ",")))
                .hasMessageStartingWith("schemas must be a comma list of globs");
    }

    @Test
    void optionsAreReadAsGiven() {
        PostgresOptions options = PostgresOptions.parse(
                Map.of("facts", "Holders, tables", "top", "50", "schemas", "app_*,pg_toast", "tables", "orders?"),
                Map.of("main", MAIN));

        assertThat(options.name()).isEqualTo("main");
        assertThat(options.views()).isEqualTo(Set.of(View.HOLDERS, View.TABLES));
        assertThat(options.top()).isEqualTo(50);
        assertThat(options.schemas()).containsExactly("^app_.*$", "^pg_toast$");
        // pg_toast is named outright, so only information_schema stays excluded.
        assertThat(options.excludeSchemas()).containsExactly("^information_schema$");
        assertThat(options.tables()).containsExactly("^orders.$");
        assertThat(factory(Map.of("main", MAIN)).create(Map.of()).source()).isEqualTo("postgres/main");
    }

    @Test
    void byDefaultEverythingIsSampledButInformationSchemaAndToast() {
        PostgresOptions options = PostgresOptions.parse(Map.of(), Map.of("main", MAIN));

        assertThat(options.views()).containsExactlyInAnyOrder(View.values());
        assertThat(options.schemas()).containsExactly("^.*$");
        assertThat(options.excludeSchemas()).containsExactly("^information_schema$", "^pg_toast$");
        assertThat(options.top()).isNull();
        assertThat(PostgresOptions.parse(Map.of("excludeSchemas", ""), Map.of("main", MAIN)).excludeSchemas()).isEmpty();
    }

    @Test
    void globsBecomeAnchoredRegularExpressionsWithEverythingButWildcardsLiteral() {
        assertThat(PostgresOptions.globToRegex("orders*")).isEqualTo("^orders.*$");
        assertThat(PostgresOptions.globToRegex("s_?.t")).isEqualTo("^s_.\\.t$");
        assertThat(PostgresOptions.globToRegex("odd(name)|x$")).isEqualTo("^odd\\(name\\)\\|x\\$$");
        assertThat(PostgresOptions.globToRegex("café")).isEqualTo("^café$");
    }

    @Test
    void governorCheckReportsABadOptionInTheRouteFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pg.yaml"), """
                - route:
                    from:
                      uri: governor-sample:postgres
                      parameters: { database: orders, period: 5s }
                      steps:
                        - to: governor:facts
                """);
        GovernorConfig config = GovernorConfig.defaults().withDatabases(Map.of("main", MAIN));

        String problem = CamelRoutes.checkRoute(file, new FactCodec(Clock.systemUTC()),
                Samplers.builtIn(Clock.systemUTC(), config));

        assertThat(problem).startsWith(file.toString()).contains("database 'orders'").contains("main");
    }
}
