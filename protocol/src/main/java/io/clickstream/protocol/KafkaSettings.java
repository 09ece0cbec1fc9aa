package io.clickstream.protocol;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The one reader of Kafka client settings, for both roles: KAFKA_BOOTSTRAP_SERVERS, TOPIC_NAME,
 * KAFKA_PRODUCER_CONFIG_FILE and KAFKA_PRODUCER_* (KAFKA_PRODUCER_SASL_MECHANISM → sasl.mechanism). The
 * same settings reach every Kafka client a process creates: the producer, and through
 * {@link #adminProperties} the admin clients, so that a secured broker is reached by all of them or none.
 * Every value is parsed and checked against Kafka's own definitions at start, before the cluster join,
 * and each problem names the variable (or the file) it came from.
 */
public final class KafkaSettings {
  public static final String PREFIX = "KAFKA_PRODUCER_";
  public static final String FILE = "KAFKA_PRODUCER_CONFIG_FILE";
  public static final String MASK = "******";
  /** Leaves room for the ".watermarks" suffix under Kafka's limit of 249. */
  private static final int MAX_TOPIC_LENGTH = 200;
  /** Settings that would be silently ignored or break the generator, each with the reason. */
  private static final Map<String, String> REFUSED = Map.of(
      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "set KAFKA_BOOTSTRAP_SERVERS instead: one address list serves"
          + " every Kafka client of both roles",
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the generator writes keys and values as bytes itself",
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the generator writes keys and values as bytes itself",
      ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the generator does not use transactions");
  /** Any partitioner.* setting: every record carries its partition, so Kafka's partitioner is never called. */
  private static final String PARTITIONER_PREFIX = "partitioner.";
  private static final Set<String> SECRET_HINTS = Set.of("password", "jaas", "secret");

  private KafkaSettings() {
  }

  /** KAFKA_BOOTSTRAP_SERVERS, checked to be a comma-separated list of host:port. */
  public static String bootstrapServers(EnvReader env) {
    String bootstrap = env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    for (String entry : bootstrap.split(",", -1)) {
      if (!EnvReader.isHostAndPort(entry.trim())) {
        env.problem("KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port (port 1-65535), got \""
            + bootstrap + "\"");
        break;
      }
    }
    return bootstrap;
  }

  /** TOPIC_NAME, checked against Kafka's rules for topic names. */
  public static String topic(EnvReader env) {
    String topic = env.string("TOPIC_NAME", "clickstream");
    if (!topic.matches("[A-Za-z0-9._-]{1," + MAX_TOPIC_LENGTH + "}")) {
      env.problem("TOPIC_NAME must be 1-" + MAX_TOPIC_LENGTH + " letters, digits, '.', '_' or '-', got \"" + topic + "\"");
    } else if (topic.equals(".") || topic.equals("..")) {
      env.problem("TOPIC_NAME cannot be \".\" or \"..\" (Kafka refuses them), got \"" + topic + "\"");
    }
    return topic;
  }

  /**
   * The effective producer properties: the role's defaults, then the properties file, then KAFKA_PRODUCER_*
   * variables, then bootstrap.servers. Unknown, refused and unparseable settings are problems on {@code env}.
   * No serializers: each role sets its own.
   */
  public static Map<String, String> producerProperties(EnvReader env, String bootstrap, Map<String, String> defaults) {
    Map<String, String> props = new LinkedHashMap<>(defaults);
    Map<String, String> overrides = new LinkedHashMap<>();
    Map<String, String> sources = new HashMap<>();
    String file = env.value(FILE);
    if (file != null) {
      java.util.Properties fromFile = new java.util.Properties();
      try (Reader reader = Files.newBufferedReader(Path.of(file))) {
        fromFile.load(reader);
        fromFile.stringPropertyNames().forEach(name -> {
          overrides.put(name, fromFile.getProperty(name).trim());
          sources.put(name, FILE + " (" + name + ")");
        });
      } catch (IOException | RuntimeException e) {
        env.problem(FILE + " cannot be read: \"" + file + "\" (" + e.getMessage() + ")");
      }
    }
    env.raw().keySet().stream().sorted().forEach(variable -> {
      if (variable.startsWith(PREFIX) && !variable.equals(FILE) && env.value(variable) != null) {
        String name = variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        overrides.put(name, env.value(variable));
        sources.put(name, variable);
      }
    });
    ConfigDef definitions = ProducerConfig.configDef();
    boolean valid = true;
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String problem = check(definitions, e.getKey(), e.getValue());
      if (problem != null) {
        env.problem(sources.get(e.getKey()) + problem);
        valid = false;
      }
    }
    props.putAll(overrides);
    // acks other than "all" silently disables idempotence only when it is not set explicitly; say it.
    String acks = props.get(ProducerConfig.ACKS_CONFIG);
    if (acks != null && !"all".equals(acks) && !"-1".equals(acks)
        && !overrides.containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)) {
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    }
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (valid) {
      checkTogether(env, props);
    }
    return props;
  }

  /** Null when {@code name=value} is a usable producer setting, else why not (without a secret's value). */
  private static String check(ConfigDef definitions, String name, String value) {
    String refused = REFUSED.get(name);
    if (refused == null && name.startsWith(PARTITIONER_PREFIX)) {
      refused = "every record is sent to the partition the generator chose (murmur2 of the key, as Kafka's default"
          + " partitioner would), so a partitioner setting would silently do nothing";
    }
    if (refused != null) {
      return " cannot be set (" + name + "): " + refused;
    }
    ConfigDef.ConfigKey key = definitions.configKeys().get(name);
    if (key == null) {
      return ": unknown Kafka producer property \"" + name + "\"";
    }
    try {
      Object parsed = ConfigDef.parseType(name, value, key.type);
      if (key.validator != null) {
        key.validator.ensureValid(name, parsed);
      }
      return null;
    } catch (org.apache.kafka.common.config.ConfigException e) {
      // Kafka says "Invalid value abc for configuration linger.ms: Not a number of type LONG"; keep the reason.
      String reason = e.getMessage() == null ? "" : e.getMessage();
      int at = reason.indexOf("configuration " + name + ": ");
      reason = at < 0 ? reason : reason.substring(at + name.length() + 16);
      return " is not a valid " + name + ", got \"" + (isSecret(name) ? MASK : value) + "\""
          + (isSecret(name) || reason.isEmpty() ? "" : ": " + reason);
    }
  }

  /** Builds Kafka's own ProducerConfig, which also checks settings against each other (acks and idempotence). */
  private static void checkTogether(EnvReader env, Map<String, String> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    try {
      new ProducerConfig(all);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      env.problem("the Kafka producer settings (" + PREFIX + "* and " + FILE + ") do not fit together: "
          + e.getMessage());
    }
  }

  /** The producer settings that also mean something to an admin client: connection, timeouts and security. */
  public static Map<String, String> adminProperties(Map<String, String> producerProperties) {
    Map<String, String> props = new HashMap<>();
    Set<String> adminNames = AdminClientConfig.configNames();
    producerProperties.forEach((name, value) -> {
      if (adminNames.contains(name) && !name.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
        props.put(name, value);
      }
    });
    return props;
  }

  /** A copy for logs: every secret (Kafka's password-typed settings, JAAS, anything named like one) masked. */
  public static Map<String, String> masked(Map<String, String> properties) {
    Map<String, String> out = new LinkedHashMap<>();
    properties.forEach((name, value) -> out.put(name, isSecret(name) ? MASK : value));
    return out;
  }

  public static boolean isSecret(String name) {
    ConfigDef.ConfigKey key = ProducerConfig.configDef().configKeys().get(name);
    return key != null && key.type == ConfigDef.Type.PASSWORD || SECRET_HINTS.stream().anyMatch(name::contains);
  }
}
