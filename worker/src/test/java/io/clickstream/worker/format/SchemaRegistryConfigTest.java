package io.clickstream.worker.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.EnvReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown format        | VALUE_FORMAT=xml                                        | VALUE_FORMAT must be one of json, avro, protobuf, json-schema, got \"xml\"",
      "avro without registry | VALUE_FORMAT=avro                                       | VALUE_FORMAT=avro needs SCHEMA_REGISTRY_URL",
      "protobuf without one  | VALUE_FORMAT=protobuf                                   | VALUE_FORMAT=protobuf needs SCHEMA_REGISTRY_URL",
      "not http              | VALUE_FORMAT=avro,SCHEMA_REGISTRY_URL=ftp://r:8081      | SCHEMA_REGISTRY_URL must be an http:// or https:// URL",
      "no host               | VALUE_FORMAT=avro,SCHEMA_REGISTRY_URL=http:/x           | SCHEMA_REGISTRY_URL must be an http:// or https:// URL",
      "credentials in URL    | VALUE_FORMAT=avro,SCHEMA_REGISTRY_URL=http://u:p@r:8081 | credentials go in SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
      "bad strategy          | SCHEMA_REGISTRY_SUBJECT_STRATEGY=topicrecord            | SCHEMA_REGISTRY_SUBJECT_STRATEGY must be topic",
      "user info shape       | SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=justauser          | SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be <user>:<password> (value not shown)",
      "missing truststore    | SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION=/nonexistent/ts.p12 | SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION must be a readable file, got \"/nonexistent/ts.p12\"",
      "password alone        | SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD=x               | SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD needs SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION",
      "timeout               | SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS=0               | SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS must be",
  })
  void badInputNamesTheSetting(String name, String settings, String expected) {
    List<String> problems = problemsOf(settings);
    assertThat(problems).as(name).anySatisfy(p -> assertThat(p).contains(expected));
  }

  @Test
  void defaultsAreTheJsonContractWithoutARegistry() {
    EnvReader env = new EnvReader(Map.of());
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(env);
    assertThat(env.problems()).isEmpty();
    assertThat(config).isEqualTo(SchemaRegistryConfig.JSON);
    assertThat(config.describe()).isEqualTo("json");
  }

  @Test
  void describeNamesTheUserButNeverThePassword() {
    EnvReader env = new EnvReader(Map.of("VALUE_FORMAT", "json-schema", "SCHEMA_REGISTRY_URL", "https://reg:8081/",
        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "svc:hunter2", "SCHEMA_REGISTRY_SUBJECT_STRATEGY", "record"));
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(env);
    assertThat(env.problems()).isEmpty();
    assertThat(config.describe()).isEqualTo("json-schema via https://reg:8081 (subject strategy record, basic auth as svc:****)");
    assertThat(config.toString()).doesNotContain("hunter2");
    assertThat(config.subject("clicks")).isEqualTo("io.clickstream.ClickEvent");
  }

  private static List<String> problemsOf(String settings) {
    Map<String, String> env = new java.util.HashMap<>();
    for (String pair : settings.split(",")) {
      int eq = pair.indexOf('=');
      env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    EnvReader reader = new EnvReader(env);
    SchemaRegistryConfig.fromEnv(reader);
    return reader.problems();
  }
}
