package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.GovernorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

    @TempDir
    Path dir;

    private GovernorConfig.Api api(String token) {
        return GovernorConfig.Api.defaults().withToken(token).withTokenFile(dir.resolve("state/api-token"));
    }

    @Test
    void withNoTokenSetOneIsGeneratedIntoAFileOnlyItsUserMayRead() throws Exception {
        ApiToken token = ApiToken.resolve(api(null), name -> null);
        Path file = dir.resolve("state/api-token");
        assertThat(token.file()).contains(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String written = Files.readString(file).strip();
        assertThat(written).hasSizeGreaterThanOrEqualTo(43);
        assertThat(token.accepts(Optional.of("Bearer " + written))).isTrue();
        assertThat(token.toString()).doesNotContain(written);

        // A new start makes a new token: the old one no longer works.
        ApiToken next = ApiToken.resolve(api(null), name -> null);
        assertThat(next.accepts(Optional.of("Bearer " + written))).isFalse();
        assertThat(next.accepts(Optional.of("Bearer " + Files.readString(file).strip()))).isTrue();
    }

    @Test
    void theEnvironmentWinsOverTheConfiguration() {
        ApiToken token = ApiToken.resolve(api("configured-token-0123456789"),
                Map.of(ApiToken.ENVIRONMENT_VARIABLE, "environment-token-0123456789")::get);
        assertThat(token.accepts(Optional.of("Bearer environment-token-0123456789"))).isTrue();
        assertThat(token.accepts(Optional.of("Bearer configured-token-0123456789"))).isFalse();
        assertThat(token.origin()).contains(ApiToken.ENVIRONMENT_VARIABLE);
        assertThat(Files.exists(dir.resolve("state/api-token"))).isFalse();
    }

    @Test
    void onlyTheExactBearerTokenIsAccepted() {
        ApiToken token = ApiToken.resolve(api("configured-token-0123456789"), name -> null);
        assertThat(token.accepts(Optional.of("Bearer configured-token-0123456789"))).isTrue();
        assertThat(token.accepts(Optional.of("bearer   configured-token-0123456789 "))).isTrue();
        assertThat(token.accepts(Optional.empty())).isFalse();
        assertThat(token.accepts(Optional.of("configured-token-0123456789"))).isFalse();
        assertThat(token.accepts(Optional.of("Basic configured-token-0123456789"))).isFalse();
        assertThat(token.accepts(Optional.of("Bearer configured-token-012345678"))).isFalse();
        assertThat(token.accepts(Optional.of("Bearer configured-token-01234567890"))).isFalse();
        assertThat(token.accepts(Optional.of("Bearer "))).isFalse();
    }

    @Test
    void aShortTokenIsAConfigurationError() {
        assertThatThrownBy(() -> GovernorConfig.Api.defaults().withToken("short"))
                .hasMessageContaining("token must be at least 16 characters");
        assertThatThrownBy(() -> ApiToken.resolve(api(null), Map.of(ApiToken.ENVIRONMENT_VARIABLE, "short")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GOVERNOR_API_TOKEN must be at least 16");
    }

    @Test
    void anUnwritableTokenFileStopsStartUpNamingTheSetting() throws Exception {
        Path blocked = Files.writeString(dir.resolve("not-a-folder"), "x");
        GovernorConfig.Api api = GovernorConfig.Api.defaults().withTokenFile(blocked.resolve("api-token"));
        assertThatThrownBy(() -> ApiToken.resolve(api, name -> null))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("api.tokenFile: cannot write");
    }
}
