package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malformed bodies through {@code POST /api/samples} over real HTTP: each gets a clean 4xx naming what
 * is wrong, nothing of it reaches the rules, and the service goes on taking good samples.
 */
class SamplesIngestIT {

    static final String TOKEN = "ingest-test-token-0123456789";

    @TempDir
    static Path dir;
    static Governor governor;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("rules/it.drl"), ApiContractIT.RULES);
        Files.writeString(dir.resolve("routes/in.yaml"), ApiContractIT.ROUTE);
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

    static double factsIn() {
        return governor.metrics().registry().find("governor_facts_in_total").counters().stream().mapToDouble(Counter::count).sum();
    }

    static final String GOOD = "{\"type\":\"PoolSample\",\"pool\":\"good\",\"active\":1,\"idle\":1,\"waiting\":0,\"max\":4}";

    @Test
    void everyMalformedBodyIsRefusedCleanlyAndTheServiceGoesOn() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        String deepObject = "{\"type\":\"Metric\",\"name\":\"m\",\"value\":1,\"labels\":" + "{\"a\":".repeat(2_000) + "1"
                + "}".repeat(2_000) + "}";
        // body -> what the first problem must say
        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("this is not JSON", "not valid JSON");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\"", "not valid JSON");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":\"ten\",\"idle\":0,\"waiting\":0,\"max\":4}",
                "PoolSample.active: expected an integer, got \"ten\"");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":1.5,\"idle\":0,\"waiting\":0,\"max\":4}",
                "PoolSample.active: expected an integer");
        corpus.put("{\"type\":\"Metric\",\"name\":\"m\",\"value\":NaN}", "not valid JSON");
        corpus.put("{\"type\":\"Metric\",\"name\":\"m\",\"value\":\"NaN\"}", "value must be a finite number");
        corpus.put("{\"type\":\"Metric\",\"name\":\"m\",\"value\":1e400}", "Metric.value: expected a finite number");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":1,\"idle\":0,\"waiting\":-3,\"max\":4}", "waiting must be >= 0, was -3");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":99999999999999999999,\"idle\":0,\"waiting\":0,\"max\":4}",
                "PoolSample");
        corpus.put("{\"type\":\"Gauge\",\"value\":1}", "unknown fact type 'Gauge'");
        corpus.put("{\"pool\":\"p\"}", "missing \"type\"");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":1,\"idle\":0,\"waiting\":0,\"max\":4,\"colour\":\"red\"}",
                "PoolSample.colour: unknown field");
        corpus.put("{\"type\":\"PoolSample\",\"active\":1,\"idle\":0,\"waiting\":0,\"max\":4}", "PoolSample.pool: missing");
        corpus.put("{\"type\":\"PoolSample\",\"pool\":\"p\",\"active\":1,\"idle\":0,\"waiting\":0,\"max\":4,\"at\":\"noon\"}",
                "PoolSample");
        corpus.put("42", "expected a JSON object");
        corpus.put("null", "expected a JSON object");
        corpus.put("[]", "empty array");
        corpus.put(deep, "");
        corpus.put(deepObject, "");

        double before = factsIn();
        for (Map.Entry<String, String> sample : corpus.entrySet()) {
            ApiClient.Reply reply = api.post("/api/samples", sample.getKey());
            String what = sample.getKey().length() > 80 ? sample.getKey().substring(0, 80) + "..." : sample.getKey();
            assertThat(reply.status()).as(what).isEqualTo(400);
            JsonNode error = reply.json();
            assertThat(error.get("status").asInt()).as(what).isEqualTo(400);
            assertThat(error.get("problems").isArray() && !error.get("problems").isEmpty()).as(what).isTrue();
            JsonNode first = error.at("/problems/0");
            String text = (first.hasNonNull("field") ? first.get("field").asText() + ": " : "") + first.get("message").asText();
            assertThat(text).as(what).contains(sample.getValue());
            assertThat(text.length()).as(what).isLessThan(600);
        }
        assertThat(factsIn()).isEqualTo(before);
        assertThat(api.post("/api/samples", GOOD).status()).isEqualTo(202);
        assertThat(factsIn()).isEqualTo(before + 1);
        assertThat(api.get("/api/health").json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aBadElementOfAnArrayIsNamedByItsIndexAndNoneIsTaken() throws Exception {
        double before = factsIn();
        String bad = GOOD.replace("\"waiting\":0", "\"waiting\":\"six\"");
        ApiClient.Reply reply = api.post("/api/samples", "[" + GOOD + "," + GOOD + "," + bad + "," + bad.replace("good", "other") + "]");
        assertThat(reply.status()).isEqualTo(400);
        JsonNode problems = reply.json().get("problems");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).get("index").asInt()).isEqualTo(2);
        assertThat(problems.get(0).get("field").asText()).isEqualTo("PoolSample.waiting");
        assertThat(problems.get(0).get("message").asText()).isEqualTo("expected an integer, got \"six\"");
        assertThat(problems.get(1).get("index").asInt()).isEqualTo(3);
        assertThat(reply.json().get("error").asText()).contains("[2] PoolSample.waiting");
        assertThat(factsIn()).isEqualTo(before);
    }

    @Test
    void aTenMegabyteBodyIs413AndTheServiceGoesOn() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        body[0] = '[';
        body[body.length - 1] = ']';
        double before = factsIn();
        ApiClient.Reply reply = api.post("/api/samples", body, "application/json");
        assertThat(reply.status()).isEqualTo(413);
        assertThat(factsIn()).isEqualTo(before);
        assertThat(api.post("/api/samples", GOOD.getBytes(StandardCharsets.UTF_8), "application/json").status()).isEqualTo(202);
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        ApiClient.Reply reply = api.post("/api/samples", (String) null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/problems/0/field").asText()).isEqualTo("body");
    }
}
