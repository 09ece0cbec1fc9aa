package io.clickstream.worker.format;

import io.clickstream.protocol.EnvReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * VALUE_FORMAT and the SCHEMA_REGISTRY_* settings, read and checked with the rest of the worker's
 * configuration. Secrets (the user info, the truststore password) never appear in {@link #describe()}.
 *
 * @param url the registry's base URL (Confluent's root, or Apicurio's .../apis/ccompat/v7); null for json
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null
 * @param truststore a JKS or PKCS12 file of the certificates to trust for https, or null (the JDK's)
 * @param startupTimeoutSeconds how long the start waits for an unreachable registry before giving up
 */
public record SchemaRegistryConfig(ValueFormat format, URI url, String basicAuthUserInfo, Path truststore,
                                   String truststorePassword, SubjectStrategy subjectStrategy,
                                   int startupTimeoutSeconds) {

  public static final SchemaRegistryConfig JSON = new SchemaRegistryConfig(ValueFormat.JSON, null, null, null, null,
      SubjectStrategy.TOPIC, 30);

  /** SCHEMA_REGISTRY_SUBJECT_STRATEGY: Confluent's TopicNameStrategy or RecordNameStrategy. */
  public enum SubjectStrategy {
    TOPIC, RECORD;

    public String subject(String topic) {
      return this == TOPIC ? topic + "-value" : ValueFormat.RECORD_NAME;
    }
  }

  public static SchemaRegistryConfig fromEnv(EnvReader env) {
    String formatName = env.string("VALUE_FORMAT", "json");
    ValueFormat format = ValueFormat.of(formatName);
    if (format == null) {
      env.problem("VALUE_FORMAT must be one of " + ValueFormat.choices() + ", got \"" + formatName + "\"");
      format = ValueFormat.JSON;
    }
    String strategyName = env.string("SCHEMA_REGISTRY_SUBJECT_STRATEGY", "topic");
    SubjectStrategy strategy = SubjectStrategy.TOPIC;
    try {
      strategy = SubjectStrategy.valueOf(strategyName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      env.problem("SCHEMA_REGISTRY_SUBJECT_STRATEGY must be topic (subject <TOPIC_NAME>-value) or record (subject "
          + ValueFormat.RECORD_NAME + "), got \"" + strategyName + "\"");
    }
    int timeout = env.intIn("SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS", 30, 1, 3600);
    URI url = url(env, format);
    String userInfo = env.value("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO");
    if (userInfo != null && (userInfo.indexOf(':') < 1 || userInfo.chars().anyMatch(Character::isISOControl))) {
      // Never echo it: it holds a password.
      env.problem("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be <user>:<password> (value not shown)");
    }
    Path truststore = null;
    String truststoreLocation = env.value("SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
    if (truststoreLocation != null) {
      truststore = Path.of(truststoreLocation);
      if (!Files.isRegularFile(truststore) || !Files.isReadable(truststore)) {
        env.problem("SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION must be a readable file, got \"" + truststoreLocation + "\"");
      }
    }
    String truststorePassword = env.value("SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD");
    if (truststorePassword != null && truststoreLocation == null) {
      env.problem("SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD needs SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
    }
    return new SchemaRegistryConfig(format, url, userInfo, truststore, truststorePassword, strategy, timeout);
  }

  private static URI url(EnvReader env, ValueFormat format) {
    String value = env.value("SCHEMA_REGISTRY_URL");
    if (value == null) {
      if (format.usesRegistry()) {
        env.problem("VALUE_FORMAT=" + format.setting() + " needs SCHEMA_REGISTRY_URL (the Schema Registry's base URL, "
            + "such as http://registry:8081 or Apicurio's http://registry:8080/apis/ccompat/v7)");
      }
      return null;
    }
    try {
      URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw new URISyntaxException(value, "not an http(s) base URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      env.problem("SCHEMA_REGISTRY_URL must be an http:// or https:// URL with a host and no query, user info or "
          + "fragment (credentials go in SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO), got \"" + value + "\"");
      return null;
    }
  }

  public String subject(String topic) {
    return subjectStrategy.subject(topic);
  }

  public String describe() {
    if (!format.usesRegistry()) {
      return format.setting();
    }
    return format.setting() + " via " + url + " (subject strategy " + subjectStrategy.name().toLowerCase(Locale.ROOT)
        + (basicAuthUserInfo == null ? "" : ", basic auth as " + basicAuthUserInfo.substring(0, Math.max(0, basicAuthUserInfo.indexOf(':')))
            + ":****")
        + (truststore == null ? "" : ", truststore " + truststore) + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
