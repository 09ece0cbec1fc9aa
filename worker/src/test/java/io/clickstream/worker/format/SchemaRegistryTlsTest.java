package io.clickstream.worker.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.clickstream.protocol.EnvReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCHEMA_REGISTRY_SSL_TRUSTSTORE_*: an https registry with a self-signed certificate (made by the JDK's
 * keytool) is trusted through the truststore, and refused without it (exit 2, naming the setting).
 */
class SchemaRegistryTlsTest {
  private static final String PASSWORD = "changeit-test";
  @TempDir
  static Path dir;
  private static HttpsServer server;

  /** One certificate and server for the class: keytool's key generation is the slow part. */
  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    Path keystore = dir.resolve("server.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", dir.resolve("registry.crt").toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", dir.resolve("registry.crt").toString(),
        "-storetype", "PKCS12", "-keystore", dir.resolve("trust.p12").toString(), "-storepass", PASSWORD);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"id\":11}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void theTruststoreMakesTheSelfSignedRegistryTrusted() {
    ValueEncoding encoding = SchemaRegistration.register(config(Map.of(
        "SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", dir.resolve("trust.p12").toString(),
        "SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD", PASSWORD)), "clicks");
    assertThat(encoding.schemaId()).isEqualTo(11);
  }

  @Test
  void withoutTheTruststoreTheStartStopsNamingIt() {
    assertThatThrownBy(() -> SchemaRegistration.register(config(Map.of()), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
  }

  @Test
  void aWrongTruststorePasswordStopsTheStartNamingIt() {
    assertThatThrownBy(() -> SchemaRegistration.register(config(Map.of(
        "SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", dir.resolve("trust.p12").toString(),
        "SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD", "not-it")), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD").hasMessageNotContaining("not-it");
  }

  private SchemaRegistryConfig config(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("VALUE_FORMAT", "avro");
    env.put("SCHEMA_REGISTRY_URL", "https://127.0.0.1:" + server.getAddress().getPort());
    EnvReader reader = new EnvReader(env);
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(reader);
    reader.throwIfInvalid();
    return config;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
  }
}
