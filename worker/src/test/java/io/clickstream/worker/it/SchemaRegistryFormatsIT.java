package io.clickstream.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.EmbeddedSchemaRegistry;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Schema Registry formats end to end, against a real broker and a real registry (Apicurio, through its
 * Confluent-compatible API): one standalone worker JVM per format produces a short stream and is stopped
 * with SIGTERM; each topic is read back and decoded by readers that are not ours, driven by the schema the
 * registry returns for the id in each value: Avro's GenericDatumReader, protobuf-java's DynamicMessage, and
 * Jackson for JSON Schema. The stream must keep the JSON contract's behaviour (sessions, funnel, keys,
 * uniqueness, lateness). The registry's API takes basic auth, so every worker logs in. Then the start-up
 * refusals: a subject whose compatibility rejects the schema (409, exit 2), a wrong password (401, exit 2)
 * and a registry nobody answers at (exit 3). One class, one broker and one registry, to keep
 * CI short.
 */
class SchemaRegistryFormatsIT {
  private static final Path ROOT = Path.of(System.getProperty("clickstream.root", "..")).toAbsolutePath().normalize();
  private static final Path WORKER_JAR = ROOT.resolve("worker/target/clickstream-worker.jar");
  private static final int RATE = 300;
  private static final int USERS = 60;
  private static final int MAX_LATE_SECONDS = 12;
  /** The registry's API takes basic auth: every worker logs in, and a wrong password gets a real 401. */
  private static final String REGISTRY_USER = "clicks";
  private static final String REGISTRY_PASSWORD = "s3cret-Reg1stry";
  private static final Pattern ENOUGH = Pattern.compile("Events: ([3-9],\\d{3}|\\d{2,},\\d{3}) generated");
  private static final Pattern FINAL = Pattern.compile("Final totals: (\\d+) generated, (\\d+) acked, (\\d+) failed");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  enum Format {
    AVRO("avro", "AVRO"), PROTOBUF("protobuf", "PROTOBUF"), JSON_SCHEMA("json-schema", "JSON");

    final String setting;
    /** What the registry must say the schema is (Confluent leaves AVRO out). */
    final String schemaType;

    Format(String setting, String schemaType) {
      this.setting = setting;
      this.schemaType = schemaType;
    }

    String topic() {
      return "clicks-" + setting;
    }
  }

  /** What one format's run left: its final totals, the decoded events with their records, the schema id. */
  record Run(long generated, long acked, long failed, List<Decoded> events, int schemaId) {
  }

  record Decoded(ConsumerRecord<String, byte[]> record, JsonObject event) {
  }

  private static EmbeddedKafka kafka;
  private static EmbeddedSchemaRegistry registry;
  private static RegistryReader reader;
  private static final Map<Format, Run> RUNS = new EnumMap<>(Format.class);

  @BeforeAll
  static void produceEachFormatForAWhile() throws Exception {
    CompletableFuture<EmbeddedSchemaRegistry> registryStart = CompletableFuture.supplyAsync(
        () -> EmbeddedSchemaRegistry.startWithBasicAuth(REGISTRY_USER, REGISTRY_PASSWORD));
    kafka = EmbeddedKafka.start();
    registry = registryStart.join();
    reader = new RegistryReader(registry.url(), REGISTRY_USER + ":" + REGISTRY_PASSWORD);
    Map<Format, JvmProcess> workers = new EnumMap<>(Format.class);
    try {
      for (Format f : Format.values()) {
        workers.put(f, worker(f.setting, f.topic(), registry.url()).start());
      }
      for (Map.Entry<Format, JvmProcess> w : workers.entrySet()) {
        w.getValue().waitForLog(ENOUGH, Duration.ofSeconds(120));
      }
      workers.values().forEach(w -> w.signal("TERM"));
      for (Map.Entry<Format, JvmProcess> w : workers.entrySet()) {
        JvmProcess process = w.getValue();
        assertThat(process.waitForExit(Duration.ofSeconds(MAX_LATE_SECONDS + 60))).as("exit of %s", process).isZero();
        Matcher totals = FINAL.matcher(process.logText());
        assertThat(totals.find()).as("final totals in:\n%s", process.logTail(20)).isTrue();
        long generated = Long.parseLong(totals.group(1));
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAllBytes(kafka.bootstrapServers(),
            w.getKey().topic(), (int) generated, Duration.ofSeconds(60));
        int schemaId = RegistryReader.schemaId(records.get(0).value());
        List<Decoded> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
          events.add(new Decoded(r, reader.decode(r.value())));
        }
        RUNS.put(w.getKey(), new Run(generated, Long.parseLong(totals.group(2)), Long.parseLong(totals.group(3)),
            events, schemaId));
      }
    } finally {
      workers.values().forEach(JvmProcess::close);
    }
  }

  @AfterAll
  static void stopAll() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void everyGeneratedEventIsInTheTopicOnceUnderTheRegisteredSchema(Format f) throws IOException, InterruptedException {
    Run run = RUNS.get(f);
    assertThat(run.acked()).as("acked").isEqualTo(run.generated());
    assertThat(run.failed()).as("failed").isZero();
    assertThat(run.events()).hasSize((int) run.generated());
    Set<String> ids = new HashSet<>();
    for (Decoded d : run.events()) {
      assertThat(RegistryReader.schemaId(d.record().value())).as("schema id").isEqualTo(run.schemaId());
      assertThat(ids.add(d.event().getString("event_id"))).as("duplicate %s", d.event()).isTrue();
    }
    // TopicNameStrategy: the subject <topic>-value holds the schema, and registering it again gives the same id.
    JsonObject latest = reader.get("/subjects/" + f.topic() + "-value/versions/latest");
    assertThat(latest.getInteger("id")).isEqualTo(run.schemaId());
    assertThat(latest.getString("schemaType", "AVRO")).isEqualTo(f.schemaType);
    JsonObject again = reader.register(f.topic() + "-value", schemaBody(latest));
    assertThat(again.getInteger("id")).as("re-registration is idempotent").isEqualTo(run.schemaId());
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void eventsCarryTheEightFieldsWithTheirJsonValues(Format f) {
    for (Decoded d : RUNS.get(f).events()) {
      JsonObject e = d.event();
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("event_id", "user_id", "session_id", "event_type",
          "product_id", "price", "event_time", "processing_time");
      assertThat(e.getString("event_id")).matches(UUID);
      assertThat(Integer.parseInt(e.getString("user_id").substring(5))).isBetween(1, USERS);
      assertThat(e.getString("session_id").substring(8)).matches(UUID);
      assertThat(e.getString("product_id")).matches("PROD_\\d{3,}");
      double cents = e.getDouble("price") * 100;
      assertThat(Math.abs(cents - Math.rint(cents))).as("price in whole cents: %s", e).isLessThan(1e-6);
      assertThat(d.record().timestamp()).as("record timestamp is the event time").isEqualTo(e.getLong("event_time"));
      assertThat(d.record().key()).isEqualTo(e.getString("user_id"));
    }
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void eachUserLivesInOnePartitionAndLateEventsAreLateByTheirDelay(Format f) {
    Map<String, Integer> partitionOf = new HashMap<>();
    long late = 0;
    for (Decoded d : RUNS.get(f).events()) {
      Integer previous = partitionOf.putIfAbsent(d.record().key(), d.record().partition());
      assertThat(previous == null || previous == d.record().partition()).as("user %s in two partitions", d.record().key())
          .isTrue();
      long lateness = d.event().getLong("processing_time") - d.event().getLong("event_time");
      Header delay = d.record().headers().lastHeader("clickstream.late-delay-ms");
      if (delay == null) {
        assertThat(lateness).as("on-time event %s", d.event()).isBetween(0L, 999L);
      } else {
        late++;
        long planned = Long.parseLong(new String(delay.value(), StandardCharsets.US_ASCII));
        assertThat(lateness).as("late event %s", d.event()).isBetween(planned - 5, planned + 1000);
      }
    }
    assertThat(late).isPositive();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void sessionsFollowTheFunnel(Format f) {
    Map<String, List<JsonObject>> sessions = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Decoded d : RUNS.get(f).events()) {
      sessions.computeIfAbsent(d.event().getString("session_id"), k -> new ArrayList<>()).add(d.event());
      counts.merge(d.event().getString("event_type"), 1, Integer::sum);
    }
    List<String> order = List.of("VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT", "PURCHASE");
    for (List<JsonObject> events : sessions.values()) {
      events.sort(Comparator.<JsonObject>comparingLong(e -> e.getLong("event_time"))
          .thenComparingInt(e -> order.indexOf(e.getString("event_type"))));
      List<String> cart = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        JsonObject e = events.get(i);
        assertThat(e.getString("user_id")).isEqualTo(events.get(0).getString("user_id"));
        switch (e.getString("event_type")) {
          case "ADD_TO_CART" -> cart.add(e.getString("product_id"));
          case "REMOVE_FROM_CART" -> assertThat(cart.remove(e.getString("product_id"))).as("removed from cart").isTrue();
          case "CHECKOUT" -> {
            assertThat(cart).as("CHECKOUT with a non-empty cart").isNotEmpty();
            // A stop may come between a CHECKOUT and its PURCHASE only if the stop ends the payment first.
            assertThat(i + 1).as("CHECKOUT followed by PURCHASE in %s", events).isLessThan(events.size());
            assertThat(events.get(i + 1).getString("event_type")).isEqualTo("PURCHASE");
          }
          case "PURCHASE" -> assertThat(events.get(i - 1).getString("event_type")).isEqualTo("CHECKOUT");
          case "VIEW" -> { }
          default -> throw new AssertionError("unknown type in " + e);
        }
      }
    }
    System.out.printf("[SchemaRegistryFormatsIT] %s: %,d events, %,d sessions, funnel %s, %.1f bytes per value%n",
        f.setting, RUNS.get(f).events().size(), sessions.size(), counts,
        RUNS.get(f).events().stream().mapToInt(d -> d.record().value().length).average().orElse(0));
    assertThat(counts.getOrDefault("VIEW", 0)).isGreaterThan(counts.getOrDefault("ADD_TO_CART", 0));
    assertThat(counts.getOrDefault("CHECKOUT", 0)).isEqualTo(counts.getOrDefault("PURCHASE", 0)).isPositive();
  }

  @Test
  void aSubjectThatRefusesTheSchemaStopsTheStartWithExitTwo() throws Exception {
    String subject = "clicks-conflict-value";
    JsonObject legacy = new JsonObject().put("schema",
        "{\"type\":\"record\",\"name\":\"ClickEvent\",\"namespace\":\"io.clickstream\","
            + "\"fields\":[{\"name\":\"legacy\",\"type\":\"string\"}]}");
    reader.register(subject, legacy);
    reader.compatibility(subject, "BACKWARD");
    try (JvmProcess worker = worker("avro", "clicks-conflict", registry.url()).start()) {
      assertThat(worker.waitForExit(Duration.ofSeconds(60))).as(worker.logTail(20)).isEqualTo(2);
      assertThat(worker.logText()).contains("refused the VALUE_FORMAT=avro schema as incompatible")
          .contains("'" + subject + "'").contains("HTTP 409");
    }
  }

  @Test
  void aWrongPasswordStopsTheStartWithExitTwoNamingTheSettingAndNotThePassword() {
    String wrong = "n0t-the-Passw0rd";
    try (JvmProcess worker = worker("json-schema", "clicks-login", registry.url())
        .env("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER + ":" + wrong).start()) {
      assertThat(worker.waitForExit(Duration.ofSeconds(60))).as(worker.logTail(20)).isEqualTo(2);
      assertThat(worker.logText()).contains("refused the login (HTTP 401): check SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
          .contains("basic auth as " + REGISTRY_USER + ":****").doesNotContain(wrong);
    }
  }

  @Test
  void aRegistryNobodyAnswersAtStopsTheStartWithExitThree() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    JvmProcess.Builder builder = worker("protobuf", "clicks-unreachable", "http://127.0.0.1:" + port)
        .env("SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS", "2");
    try (JvmProcess worker = builder.start()) {
      assertThat(worker.waitForExit(Duration.ofSeconds(60))).as(worker.logTail(20)).isEqualTo(3);
      assertThat(worker.logText()).contains("cannot reach the Schema Registry at SCHEMA_REGISTRY_URL=http://127.0.0.1:" + port);
    }
  }

  private static JvmProcess.Builder worker(String format, String topic, String registryUrl) {
    return JvmProcess.jar(WORKER_JAR).name("worker-" + topic).jvmArgs("-Xmx256m").args("--standalone")
        .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("TOPIC_NAME", topic)
        .env("TOPIC_PARTITIONS", "3")
        .env("VALUE_FORMAT", format)
        .env("SCHEMA_REGISTRY_URL", registryUrl)
        .env("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER + ":" + REGISTRY_PASSWORD)
        .env("EVENTS_PER_SECOND", Integer.toString(RATE))
        .env("NUM_USERS", Integer.toString(USERS))
        .env("LATE_DATA_PERCENTAGE", "10")
        .env("MAX_LATE_SECONDS", Integer.toString(MAX_LATE_SECONDS))
        .env("METRICS_PORT", "0")
        .env("STATS_LOG_SECONDS", "1");
  }

  private static JsonObject schemaBody(JsonObject version) {
    JsonObject body = new JsonObject().put("schema", version.getString("schema"));
    if (version.getString("schemaType") != null) {
      body.put("schemaType", version.getString("schemaType"));
    }
    return body;
  }
}
