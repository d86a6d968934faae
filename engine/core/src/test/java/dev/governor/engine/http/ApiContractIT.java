package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
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
                envelope: { state: state/envelope.json }
                audit: { file: audit/audit.jsonl }
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

    // ---- facts in, and the facts endpoint ----------------------------------------------------------------

    static String pool(String name, int waiting) {
        return "{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":10,\"idle\":0,\"waiting\":" + waiting + ",\"max\":10}";
    }

    static double factsInFromApi() {
        return governor.metrics().registry().find("governor_facts_in_total").tag("source", "api").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void samplesAreAcceptedCountedAndShownAsCurrentFacts() throws Exception {
        double before = factsInFromApi();
        ApiClient.Reply reply = api.post("/api/samples", "[" + pool("facts-a", 0) + "," + pool("facts-b", 0) + "]");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(factsInFromApi()).isEqualTo(before + 2);

        JsonNode facts = api.withToken(null).get("/api/facts?type=PoolSample&key=facts-*").json();
        assertThat(facts.get("count").asInt()).isEqualTo(2);
        JsonNode first = facts.at("/types/PoolSample/0");
        assertThat(first.get("key").asText()).isEqualTo("facts-a");
        assertThat(first.get("source").asText()).isEqualTo("api");
        assertThat(first.at("/fact/type").asText()).isEqualTo("PoolSample");
        assertThat(first.at("/fact/max").asInt()).isEqualTo(10);

        // The newest fact of a subject replaces the older one.
        api.post("/api/samples", pool("facts-a", 0).replace("\"max\":10", "\"max\":12"));
        JsonNode again = api.get("/api/facts?key=facts-a").json();
        assertThat(again.get("count").asInt()).isEqualTo(1);
        assertThat(again.at("/types/PoolSample/0/fact/max").asInt()).isEqualTo(12);
    }

    @Test
    void factsFromARouteCarryTheRouteIdAsSource() throws Exception {
        governor.routes().context().createProducerTemplate().sendBody("direct:samples", pool("facts-route", 0));
        JsonNode facts = api.get("/api/facts?source=samples-in&key=facts-route").json();
        assertThat(facts.at("/types/PoolSample/0/source").asText()).isEqualTo("samples-in");
        assertThat(api.get("/api/facts?source=api&key=facts-route").json().get("count").asInt()).isZero();
    }

    @Test
    void factsRefusesABadLimit() throws Exception {
        ApiClient.Reply reply = api.get("/api/facts?limit=0");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/problems/0/field").asText()).isEqualTo("limit");
        assertThat(api.get("/api/facts?limit=ten").status()).isEqualTo(400);
    }

    // ---- decisions --------------------------------------------------------------------------------------

    static JsonNode awaitDecisions(String query, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode body = null;
        while (System.nanoTime() < deadline) {
            body = api.get("/api/decisions?" + query).json();
            if (condition.test(body)) {
                return body;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("decisions never matched; last: " + body);
    }

    @Test
    void aSampleLeadsToADecisionWhoseSecretParamIsMasked() throws Exception {
        api.post("/api/samples", pool("decide-a", 3));
        JsonNode body = awaitDecisions("target=decide-a", b -> b.get("count").asInt() >= 1);
        JsonNode line = body.at("/decisions/0");
        assertThat(line.get("seq").asLong()).isPositive();
        assertThat(line.get("rule").asText()).isEqualTo("Notify when callers wait");
        assertThat(line.at("/action/params/message").asText()).isEqualTo("3 callers wait");
        assertThat(line.at("/action/params/password").asText()).isEqualTo("***");
        assertThat(line.at("/verdict/kind").asText()).isEqualTo("ADMITTED");
        assertThat(line.get("status").asText()).isEqualTo("APPLIED");
        assertThat(Files.readString(dir.resolve("audit/audit.jsonl"))).doesNotContain("hunter2");
    }

    @Test
    void decisionsFilterAndPageNewestFirst() throws Exception {
        for (String target : List.of("page-1", "page-2", "page-3")) {
            api.post("/api/samples", pool(target, 1));
        }
        awaitDecisions("target=page-*", b -> b.get("count").asInt() == 3);
        JsonNode first = api.get("/api/decisions?target=page-*&type=notify.*&verdict=ADMITTED,CLAMPED&status=APPLIED&limit=2").json();
        assertThat(first.get("count").asInt()).isEqualTo(2);
        assertThat(first.at("/decisions/0/action/target").asText()).isEqualTo("page-3");
        assertThat(first.at("/decisions/1/action/target").asText()).isEqualTo("page-2");
        long next = first.get("next").asLong();
        JsonNode second = api.get("/api/decisions?target=page-*&limit=2&before=" + next).json();
        assertThat(second.get("count").asInt()).isEqualTo(1);
        assertThat(second.at("/decisions/0/action/target").asText()).isEqualTo("page-1");
        assertThat(second.get("next").isNull()).isTrue();

        assertThat(api.get("/api/decisions?target=page-*&rule=Another*").json().get("count").asInt()).isZero();
        assertThat(api.get("/api/decisions?target=page-*&until=2000-01-01T00:00:00Z").json().get("count").asInt()).isZero();
        assertThat(api.get("/api/decisions?target=page-*&since=2000-01-01T00:00:00Z").json().get("count").asInt()).isEqualTo(3);
    }

    @Test
    void decisionsRefuseBadFiltersNamingTheParameter() throws Exception {
        for (String query : List.of("verdict=MAYBE", "status=DONE", "since=yesterday", "until=5", "before=x", "limit=5000",
                "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z")) {
            ApiClient.Reply reply = api.get("/api/decisions?" + query);
            assertThat(reply.status()).as(query).isEqualTo(400);
            assertThat(reply.json().at("/problems/0/field").asText()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    // ---- actions, silences ------------------------------------------------------------------------------

    @Test
    void inFlightListsNothingWhenNoActionRuns() throws Exception {
        JsonNode body = api.get("/api/actions/in-flight").json();
        assertThat(body.get("count").asInt()).isEqualTo(governor.dispatcher().inFlight());
        assertThat(body.get("timeoutMillis").asLong()).isEqualTo(30_000);
        assertThat(body.get("actions").isArray()).isTrue();
    }

    @Test
    void aSilenceIsSetListedHonouredAndEnded() throws Exception {
        ApiClient.Reply set = api.post("/api/silences",
                "{\"type\":\"notify.*\",\"target\":\"quiet-*\",\"for\":\"1h\",\"reason\":\"maintenance\",\"by\":\"ops\"}");
        assertThat(set.status()).isEqualTo(201);
        String id = set.json().get("id").asText();
        assertThat(set.header("Location")).isEqualTo("/api/silences/" + id);
        assertThat(api.get("/api/silences").json().get("silences").toString()).contains(id, "maintenance");

        api.post("/api/samples", pool("quiet-a", 2));
        JsonNode silenced = awaitDecisions("target=quiet-a", b -> b.get("count").asInt() >= 1);
        assertThat(silenced.at("/decisions/0/verdict/kind").asText()).isEqualTo("SILENCED");

        assertThat(api.delete("/api/silences/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/silences").json().get("silences").toString()).doesNotContain(id);
        ApiClient.Reply again = api.delete("/api/silences/" + id);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error").asText()).contains(id);
    }

    @Test
    void aBadSilenceIsRefusedWithAProblemPerField() throws Exception {
        ApiClient.Reply reply = api.post("/api/silences", "{\"for\":\"soon\",\"until\":\"2030-01-01T00:00:00Z\",\"colour\":\"red\"}");
        assertThat(reply.status()).isEqualTo(400);
        Set<String> fields = new TreeSet<>();
        reply.json().get("problems").forEach(problem -> fields.add(problem.get("field").asText()));
        assertThat(fields).contains("colour", "type", "reason", "by", "for");

        assertThat(api.post("/api/silences", "{\"type\":\"*\",\"for\":\"soon\",\"reason\":\"r\",\"by\":\"b\"}").json()
                .at("/problems/0/field").asText()).isEqualTo("for");
        assertThat(api.post("/api/silences", "{\"type\":\"*\",\"until\":\"2000-01-01T00:00:00Z\",\"reason\":\"r\",\"by\":\"b\"}").json()
                .at("/problems/0/field").asText()).isEqualTo("until");
        assertThat(api.post("/api/silences", "[1,2]").status()).isEqualTo(400);
        assertThat(api.post("/api/silences", "{not json").status()).isEqualTo(400);
        assertThat(api.post("/api/silences", (String) null).status()).isEqualTo(400);
        assertThat(api.get("/api/silences").json().get("count").asInt()).isEqualTo(governor.envelope().silences().size());
    }

    @Test
    void aFormBodyIs415() throws Exception {
        ApiClient.Reply reply = api.post("/api/silences", "type=*&reason=x".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
        assertThat(reply.status()).isEqualTo(415);
        assertThat(api.post("/api/samples", pool("text", 0).getBytes(StandardCharsets.UTF_8), "text/plain").status()).isEqualTo(415);
    }

    // ---- rules ------------------------------------------------------------------------------------------

    @Test
    void aReloadOfRulesThatDoNotCompileIs422AndTheRunningRulesStay() throws Exception {
        Path file = dir.resolve("rules/broken.drl");
        Files.writeString(file, "package it;\nrule \"Broken\"\nwhen\n    PoolSample( waiting > )\nthen\nend\n");
        try {
            ApiClient.Reply reply = api.post("/api/rules/reload", (String) null);
            assertThat(reply.status()).isEqualTo(422);
            assertThat(reply.json().get("ok").asBoolean()).isFalse();
            assertThat(reply.json().at("/errors/0/file").asText()).isEqualTo("broken.drl");
            assertThat(reply.json().at("/errors/0/line").asInt()).isPositive();
            assertThat(api.get("/api/rules").json().get("files").toString()).isEqualTo("[\"it.drl\"]");
            assertThat(api.get("/api/rules").json().at("/lastReload/ok").asBoolean()).isFalse();
        } finally {
            Files.delete(file);
            assertThat(api.post("/api/rules/reload", (String) null).status()).isEqualTo(200);
        }
    }

    // ---- the description, metrics, what the server does for every endpoint -----------------------------

    @Test
    void theOpenApiDescriptionDescribesExactlyTheEndpoints() throws Exception {
        JsonNode paths = api.get("/api/openapi.json").json().get("paths");
        Set<String> described = new TreeSet<>();
        for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
            String path = names.next();
            paths.get(path).fieldNames().forEachRemaining(method -> described.add(method.toUpperCase() + " " + path));
        }
        Set<String> served = new TreeSet<>();
        governor.api().endpoints().forEach(endpoint -> served.add(endpoint.method() + " " + endpoint.path()));
        assertThat(described).isEqualTo(served);
        for (ApiServer.Endpoint endpoint : governor.api().endpoints()) {
            JsonNode operation = paths.get(endpoint.path()).get(endpoint.method().toLowerCase());
            assertThat(operation.has("security")).as(endpoint.path()).isEqualTo(endpoint.access() == ApiServer.Access.CHANGE);
        }
    }

    @Test
    void metricsArePrometheusTextWithoutAToken() throws Exception {
        api.post("/api/samples", pool("metrics-a", 0));
        ApiClient.Reply reply = api.withToken(null).get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/plain");
        assertThat(reply.body()).contains("governor_facts_in_total{source=\"api\",type=\"PoolSample\"}",
                "governor_session_facts ", "governor_rule_firings_total{rule=\"Notify when callers wait\"}",
                "governor_actions_total{", "governor_action_duration_seconds_count{", "governor_rules_compile_seconds ",
                "governor_rules_reloads_total{result=\"failed\"}", "governor_audit_write_failures_total ",
                "governor_actions_in_flight 0.0", "governor_engine_queued_facts ",
                "governor_api_request_duration_seconds_count{method=\"POST\",path=\"/api/samples\",status=\"202\"}");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        assertThat(api.get("/api/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void everyChangeNeedsTheTokenAndNothingChangesWithoutIt() throws Exception {
        int silences = governor.envelope().silences().size();
        double facts = factsInFromApi();
        long reloads = governor.reloader().reloads() + governor.reloader().failedReloads();
        for (ApiClient client : List.of(api.withToken(null), api.withToken("wrong-token-wrong-token-000"),
                api.withToken(TOKEN + "x"), api.withToken(TOKEN.substring(1)))) {
            assertThat(client.post("/api/samples", pool("forged", 9)).status()).isEqualTo(401);
            assertThat(client.post("/api/silences", "{\"type\":\"*\",\"for\":\"1h\",\"reason\":\"r\",\"by\":\"b\"}").status())
                    .isEqualTo(401);
            assertThat(client.delete("/api/silences/s-00000000").status()).isEqualTo(401);
            assertThat(client.post("/api/rules/reload", (String) null).status()).isEqualTo(401);
        }
        // "Basic" or a bare token is not a bearer token.
        assertThat(api.withToken(null).post("/api/samples", pool("forged", 9).getBytes(StandardCharsets.UTF_8), "application/json")
                .status()).isEqualTo(401);
        assertThat(governor.envelope().silences()).hasSize(silences);
        assertThat(factsInFromApi()).isEqualTo(facts);
        assertThat(governor.reloader().reloads() + governor.reloader().failedReloads()).isEqualTo(reloads);
        assertThat(api.get("/api/facts?key=forged").json().get("count").asInt()).isZero();
    }
}
