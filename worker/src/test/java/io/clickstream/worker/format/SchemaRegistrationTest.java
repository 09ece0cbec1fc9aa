package io.clickstream.worker.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.clickstream.protocol.EnvReader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every registry answer the worker handles, from a JDK HTTP server answering as a Confluent registry does,
 * in milliseconds; and the exact request the worker sends (path, schemaType, Authorization). The real
 * registry (Apicurio, in SchemaRegistryFormatsIT) gives 200, 401 and 409 too; 404 and 5xx only here.
 */
class SchemaRegistrationTest {
  private HttpServer server;
  private final AtomicReference<String> lastPath = new AtomicReference<>();
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final AtomicReference<String> lastAuthorization = new AtomicReference<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void registersTheProtobufSchemaUnderTheTopicSubjectAndReturnsItsId() throws IOException {
    answer(200, "{\"id\":7}");
    ValueEncoding encoding = SchemaRegistration.register(config("protobuf", Map.of(
        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "svc:s3cret")), "clicks");
    assertThat(encoding).isEqualTo(new ValueEncoding(ValueFormat.PROTOBUF, 7));
    assertThat(lastPath.get()).isEqualTo("/apis/ccompat/v7/subjects/clicks-value/versions");
    JsonObject body = new JsonObject(lastBody.get());
    assertThat(body.getString("schemaType")).isEqualTo("PROTOBUF");
    assertThat(body.getString("schema")).isEqualTo(SchemaRegistration.schemaText(ValueFormat.PROTOBUF));
    assertThat(lastAuthorization.get()).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void avroGoesWithoutSchemaTypeAndTheRecordStrategyNamesTheRecord() throws IOException {
    answer(200, "{\"id\":3}");
    SchemaRegistration.register(config("avro", Map.of("SCHEMA_REGISTRY_SUBJECT_STRATEGY", "record")), "clicks");
    assertThat(lastPath.get()).isEqualTo("/apis/ccompat/v7/subjects/io.clickstream.ClickEvent/versions");
    assertThat(new JsonObject(lastBody.get()).containsKey("schemaType")).isFalse();
    assertThat(lastAuthorization.get()).isNull();
  }

  @Test
  void unauthorizedExitsTwoNamingTheUserInfoSetting() throws IOException {
    answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
    assertThatThrownBy(() -> SchemaRegistration.register(config("avro", Map.of()), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO").hasMessageContaining("401");
  }

  @Test
  void incompatibleExitsTwoNamingTheSubject() throws IOException {
    answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
    assertThatThrownBy(() -> SchemaRegistration.register(config("json-schema", Map.of()), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("'clicks-value'").hasMessageContaining("VALUE_FORMAT=json-schema")
        .hasMessageContaining("incompatible");
  }

  @Test
  void aWrongPathExitsTwoNamingTheUrl() throws IOException {
    answer(404, "not found");
    assertThatThrownBy(() -> SchemaRegistration.register(config("avro", Map.of()), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("check SCHEMA_REGISTRY_URL");
  }

  @Test
  void aServerErrorExitsThree() throws IOException {
    answer(503, "starting");
    assertThatThrownBy(() -> SchemaRegistration.register(config("avro", Map.of()), "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(3));
  }

  @Test
  void nobodyListeningExitsThreeAfterTheStartupTimeout() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(Map.of("VALUE_FORMAT", "avro", "SCHEMA_REGISTRY_URL",
        "http://127.0.0.1:" + port, "SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS", "1"));
    EnvReader reader = new EnvReader(env);
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(reader);
    reader.throwIfInvalid();
    assertThatThrownBy(() -> SchemaRegistration.register(config, "clicks"))
        .isInstanceOfSatisfying(SchemaRegistration.RegistrationFailed.class, e -> assertThat(e.exitCode()).isEqualTo(3))
        .hasMessageContaining("cannot reach the Schema Registry at SCHEMA_REGISTRY_URL=http://127.0.0.1:" + port)
        .hasMessageContaining("SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS");
  }

  @Test
  void jsonNeedsNoRegistry() {
    assertThat(SchemaRegistration.register(SchemaRegistryConfig.JSON, "clicks")).isEqualTo(ValueEncoding.JSON);
  }

  private void answer(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      lastPath.set(exchange.getRequestURI().getRawPath());
      lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  private SchemaRegistryConfig config(String format, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("VALUE_FORMAT", format);
    env.put("SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7");
    EnvReader reader = new EnvReader(env);
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(reader);
    reader.throwIfInvalid();
    return config;
  }
}
