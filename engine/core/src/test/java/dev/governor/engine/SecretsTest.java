package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.json.FactCodec;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void masksThePasswordOfAUrlButKeepsTheUserAndHost() {
        assertThat(Secrets.mask("connect to postgresql://app:s3cr%21t@db.example:5432/orders failed"))
                .isEqualTo("connect to postgresql://app:***@db.example:5432/orders failed");
        assertThat(Secrets.mask("https://hooks.example.com/x")).isEqualTo("https://hooks.example.com/x");
    }

    @Test
    void masksPasswordsAndTokensInJdbcUrlsAndQueryStrings() {
        assertThat(Secrets.mask("jdbc:postgresql://127.0.0.1:5432/orders?user=app&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/orders?user=app&password=***&ssl=true");
        assertThat(Secrets.mask("url;PASSWORD = 'x y';token=abc,apiKey=k-123 done"))
                .isEqualTo("url;PASSWORD = ***;token=***,apiKey=*** done");
        assertThat(Secrets.mask("{\"user\":\"app\",\"password\" : \"hunter2\"}"))
                .isEqualTo("{\"user\":\"app\",\"password\" : \"***\"}");
    }

    @Test
    void masksBearerCredentialsButNotTheWordsAroundThem() {
        assertThat(Secrets.mask("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc")).isEqualTo("Authorization: Bearer ***");
        assertThat(Secrets.mask("needs 'Authorization: Bearer TOKEN' (the token: see the log)"))
                .isEqualTo("needs 'Authorization: Bearer TOKEN' (the token: see the log)");
    }

    @Test
    void leavesTextWithoutSecretsAlone() {
        String text = "pool orders: 6 callers wait; max 10 -> 14 (maxStepUp 4)";
        assertThat(Secrets.mask(text)).isSameAs(text.isEmpty() ? text : Secrets.mask(text)).isEqualTo(text);
        assertThat(Secrets.mask((String) null)).isNull();
    }

    @Test
    void masksJsonMembersNamedAsSecretsAtAnyDepth() throws Exception {
        JsonNode node = FactCodec.mapper().readTree("""
                {"message":"3 callers wait","password":"hunter2","headers":{"Authorization":"Bearer abcdefghijklmnop","X-Id":"7"},
                 "apiKey":"k","api_key":["a","b"],"count":3,"token":null,
                 "url":"jdbc:postgresql://h/db?password=pw","list":["postgresql://u:p@h/db"]}
                """);
        Secrets.mask(node);
        assertThat(node.get("message").asText()).isEqualTo("3 callers wait");
        assertThat(node.get("password").asText()).isEqualTo("***");
        assertThat(node.at("/headers/Authorization").asText()).isEqualTo("***");
        assertThat(node.at("/headers/X-Id").asText()).isEqualTo("7");
        assertThat(node.get("apiKey").asText()).isEqualTo("***");
        assertThat(node.get("api_key").asText()).isEqualTo("***");
        assertThat(node.get("count").asInt()).isEqualTo(3);
        assertThat(node.get("token").isNull()).isTrue();
        assertThat(node.get("url").asText()).isEqualTo("jdbc:postgresql://h/db?password=***");
        assertThat(node.at("/list/0").asText()).isEqualTo("postgresql://u:***@h/db");
    }
}
