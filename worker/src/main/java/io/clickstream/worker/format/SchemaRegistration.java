package io.clickstream.worker.format;

import io.clickstream.protocol.Clock;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the value schema once at start, on the main thread before the worker joins a cluster (so no
 * event loop ever waits on it), and returns the id every value then carries. Every worker registers:
 * registering a schema the subject already has returns its existing id, so this is idempotent and needs
 * no "first worker". A registry that is unreachable, refuses the login or finds the schema incompatible
 * stops the start with a message naming the setting to fix.
 */
public final class SchemaRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistration.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long RETRY_MILLIS = 1000;

  private SchemaRegistration() {
  }

  /** The start cannot go on; {@link #exitCode()} is 2 for configuration or refusal, 3 for an outage. */
  public static final class RegistrationFailed extends RuntimeException {
    private final int exitCode;

    RegistrationFailed(int exitCode, String message, Throwable cause) {
      super(message, cause);
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /** Registers the schema of {@code config.format()} for {@code topic}; JSON needs no registry. */
  public static ValueEncoding register(SchemaRegistryConfig config, String topic) {
    return register(config, topic, Clock.SYSTEM);
  }

  /** As {@link #register(SchemaRegistryConfig, String)}, with the clock its start-up deadline is read on. */
  public static ValueEncoding register(SchemaRegistryConfig config, String topic, Clock clock) {
    if (!config.format().usesRegistry()) {
      return ValueEncoding.JSON;
    }
    String subject = config.subject(topic);
    HttpRequest request = request(config, subject);
    HttpClient client = client(config);
    long deadline = clock.nanoTime() + Duration.ofSeconds(config.startupTimeoutSeconds()).toNanos();
    while (true) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int id = idFrom(config, subject, response);
        LOG.info("Schema Registry {}: VALUE_FORMAT={} registered under subject '{}' as schema id {}", config.url(),
            config.format().setting(), subject, id);
        return new ValueEncoding(config.format(), id);
      } catch (SSLException e) {
        throw new RegistrationFailed(2, "TLS with the Schema Registry at SCHEMA_REGISTRY_URL=" + config.url()
            + " failed (check SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION and _PASSWORD): " + e.getMessage(), e);
      } catch (ConnectException | HttpTimeoutException e) {
        if (clock.nanoTime() - deadline > 0) {
          throw new RegistrationFailed(3, "cannot reach the Schema Registry at SCHEMA_REGISTRY_URL=" + config.url()
              + " within " + config.startupTimeoutSeconds() + " s (SCHEMA_REGISTRY_STARTUP_TIMEOUT_SECONDS): " + e, e);
        }
        pause();
      } catch (IOException e) {
        throw new RegistrationFailed(3, "cannot reach the Schema Registry at SCHEMA_REGISTRY_URL=" + config.url() + ": "
            + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistrationFailed(3, "interrupted while registering the schema", e);
      }
    }
  }

  /** The schema text as packaged in the jar (copied from the repository's schemas/ at build). */
  public static String schemaText(ValueFormat format) {
    try (InputStream in = SchemaRegistration.class.getClassLoader().getResourceAsStream(format.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException(format.schemaResource() + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + format.schemaResource(), e);
    }
  }

  private static HttpRequest request(SchemaRegistryConfig config, String subject) {
    JsonObject body = new JsonObject().put("schema", schemaText(config.format()));
    if (config.format() != ValueFormat.AVRO) {
      // AVRO is the API's default type; older registries do not know the field.
      body.put("schemaType", config.format().schemaType());
    }
    URI uri = URI.create(config.url() + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
        + "/versions");
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (config.basicAuthUserInfo() != null) {
      builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
    }
    return builder.build();
  }

  private static int idFrom(SchemaRegistryConfig config, String subject, HttpResponse<String> response) {
    int status = response.statusCode();
    String where = "the Schema Registry at SCHEMA_REGISTRY_URL=" + config.url();
    String answer = abbreviated(response.body());
    if (status == 200) {
      try {
        Integer id = new JsonObject(response.body()).getInteger("id");
        if (id != null && id >= 0) {
          return id;
        }
      } catch (DecodeException | ClassCastException e) {
        // Falls through to the message below.
      }
      throw new RegistrationFailed(2, where + " answered 200 without a schema id (is it a Confluent-compatible API? "
          + "for Apicurio the URL ends in /apis/ccompat/v7): " + answer, null);
    }
    String message = switch (status) {
      case 401, 403 -> where + " refused the login (HTTP " + status + "): check SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";
      case 409 -> where + " refused the VALUE_FORMAT=" + config.format().setting() + " schema as incompatible with"
          + " what subject '" + subject + "' holds (HTTP 409): change the subject's compatibility, use another"
          + " TOPIC_NAME or SCHEMA_REGISTRY_SUBJECT_STRATEGY";
      case 404 -> where + " has no Confluent-compatible API there (HTTP 404): check SCHEMA_REGISTRY_URL (for Apicurio"
          + " it ends in /apis/ccompat/v7)";
      case 422 -> where + " rejected the VALUE_FORMAT=" + config.format().setting() + " schema as invalid (HTTP 422)";
      default -> where + " answered HTTP " + status + " to registering subject '" + subject + "'";
    };
    throw new RegistrationFailed(status >= 500 ? 3 : 2, message + ": " + answer, null);
  }

  private static HttpClient client(SchemaRegistryConfig config) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (config.truststore() != null) {
      builder.sslContext(sslContext(config));
    }
    return builder.build();
  }

  private static SSLContext sslContext(SchemaRegistryConfig config) {
    char[] password = config.truststorePassword() == null ? null : config.truststorePassword().toCharArray();
    try (InputStream in = Files.newInputStream(config.truststore())) {
      // The default type (PKCS12) also reads JKS files.
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new RegistrationFailed(2, "cannot load SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION=" + config.truststore()
          + " (or its SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD is wrong): " + e.getMessage(), e);
    }
  }

  private static String abbreviated(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  /** Between attempts on the main thread at start, before any event loop exists. */
  private static void pause() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistrationFailed(3, "interrupted while waiting for the Schema Registry", e);
    }
  }
}
