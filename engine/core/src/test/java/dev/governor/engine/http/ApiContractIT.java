package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the API over real HTTP, against a real Governor: what it answers and every 4xx. */
class ApiContractIT {

    static final String TOKEN = "contract-test-token-0123456789";

    static final String RULES = """
            package it;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "Notify when callers wait"
            when
                $p : PoolSample( waiting > 0 )
            then
                insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait", "password", "hunter2" ), "" ) );
            end
            """;

    static final String ROUTE = """
            - route:
                id: samples-in
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    @TempDir
    static Path dir;
    static Governor governor;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("rules/it.drl"), RULES);
        Files.writeString(dir.resolve("routes/in.yaml"), ROUTE);
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                plugins: { dir: plugins }
                rules: { reload: false }
                api: { enabled: true, port: 0, token: %s }
                """.formatted(TOKEN));
        governor = Governor.start(new ConfigLoader().load(file));
        api = new ApiClient(governor.api().url(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (governor != null) {
            governor.close();
        }
    }

    @Test
    void theServerListensOnTheLoopbackAddressAndAFreePort() {
        assertThat(governor.api().port()).isPositive().isNotEqualTo(8787);
        assertThat(governor.api().url()).startsWith("http://127.0.0.1:");
    }

    @Test
    void healthSaysReadyWithRulesRoutesAndEngine() throws Exception {
        ApiClient.Reply reply = api.withToken(null).get("/api/health");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode health = reply.json();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("ready").asBoolean()).isTrue();
        assertThat(health.at("/rules/rules").asInt()).isEqualTo(1);
        assertThat(health.at("/routes/started").asInt()).isEqualTo(1);
        assertThat(health.at("/routes/routes/0/id").asText()).isEqualTo("samples-in");
        assertThat(health.at("/engine/running").asBoolean()).isTrue();
    }

    @Test
    void rulesListsFilesAndNames() throws Exception {
        JsonNode rules = api.withToken(null).get("/api/rules").json();
        assertThat(rules.get("files").toString()).isEqualTo("[\"it.drl\"]");
        assertThat(rules.get("rules").toString()).contains("Notify when callers wait");
        assertThat(rules.at("/lastReload/ok").asBoolean()).isTrue();
    }

    @Test
    void aReloadNeedsTheTokenAndSwapsTheRulesIn() throws Exception {
        assertThat(api.withToken(null).post("/api/rules/reload", (String) null).status()).isEqualTo(401);
        ApiClient.Reply wrong = api.withToken("not-the-token-at-all-0000").post("/api/rules/reload", (String) null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(wrong.json().get("error").asText()).startsWith("wrong bearer token");
        java.time.Instant before = governor.reloader().lastResult().at();
        assertThat(governor.reloader().lastResult().at()).isEqualTo(before);

        ApiClient.Reply reply = api.post("/api/rules/reload", (String) null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ok").asBoolean()).isTrue();
        assertThat(governor.reloader().lastResult().at()).isAfter(before);
    }

    @Test
    void aMethodThePathDoesNotTakeIs405WithAllow() throws Exception {
        ApiClient.Reply reply = api.method("PUT", "/api/health");
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Allow")).isEqualTo("GET");
    }

    @Test
    void noRequestHeaderComesBackInTheResponse() throws Exception {
        ApiClient.Reply reply = api.get("/api/health");
        assertThat(reply.raw().headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
    }
}
