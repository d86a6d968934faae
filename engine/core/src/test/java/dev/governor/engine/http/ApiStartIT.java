package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.ConfigLoader;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the API starts, or does not: embedded without a port, over TLS, on a port already taken. */
class ApiStartIT {

    @TempDir
    Path dir;
    Governor governor;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("rules/it.drl"), ApiContractIT.RULES);
        Files.writeString(dir.resolve("routes/in.yaml"), ApiContractIT.ROUTE);
    }

    @AfterEach
    void tearDown() {
        if (governor != null) {
            governor.close();
        }
    }

    private Governor start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("governor.yaml"), "plugins: { dir: plugins }\nrules: { reload: false }\n" + yaml);
        governor = Governor.start(new ConfigLoader().load(file));
        return governor;
    }

    @Test
    void anEmbeddedGovernorOpensNoPortUnlessAsked() throws Exception {
        start("");
        assertThat(governor.api()).isNull();
        assertThat(Files.exists(dir.resolve("state/api-token"))).isFalse();
    }

    @Test
    void withoutATokenOneIsGeneratedAndItsFileGuardsTheChanges() throws Exception {
        start("api: { enabled: true, port: 0 }\n");
        String token = Files.readString(dir.resolve("state/api-token")).strip();
        ApiClient api = new ApiClient(governor.api().url(), token);
        assertThat(api.post("/api/rules/reload", (String) null).status()).isEqualTo(200);
        assertThat(api.withToken(null).post("/api/rules/reload", (String) null).status()).isEqualTo(401);
    }

    @Test
    void aPortAlreadyTakenStopsStartUpNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> start("api: { enabled: true, port: " + taken.getLocalPort() + ", token: a-token-of-sixteen-chars }\n"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("api: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("api.port");
        }
        governor = null;
    }

    @Test
    void withTlsTheApiSpeaksHttpsOnly() throws Exception {
        Path keyStore = dir.resolve("tls/governor.p12");
        Files.createDirectories(keyStore.getParent());
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "governor", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        start("api: { enabled: true, port: 0, token: a-token-of-sixteen-chars, "
                + "tls: { keyStore: tls/governor.p12, keyStorePassword: changeit } }\n");
        assertThat(governor.api().url()).startsWith("https://127.0.0.1:");

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(governor.api().url() + "/api/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String http = "http://127.0.0.1:" + governor.api().port() + "/api/health";
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(http)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode())
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void anUnreadableKeyStoreStopsStartUpNamingIt() {
        assertThatThrownBy(() -> start("api: { enabled: true, port: 0, token: a-token-of-sixteen-chars, "
                + "tls: { keyStore: tls/missing.p12, keyStorePassword: changeit } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.tls.keyStore: cannot read");
        governor = null;
    }
}
