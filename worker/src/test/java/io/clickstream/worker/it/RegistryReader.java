package io.clickstream.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.clickstream.worker.format.ProtoSchemaReader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * A Confluent-format reader that is not the worker's: it takes the schema id from each value, fetches that
 * schema from the registry (GET /schemas/ids/{id}), and decodes with the format's own library chosen by the
 * schemaType the registry returns (Avro's GenericDatumReader, protobuf-java's DynamicMessage, Jackson for
 * JSON). Each event comes back as a JsonObject of its fields, so one set of checks serves every format.
 * Also the few registry calls a test makes. Not thread-safe.
 */
final class RegistryReader {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final Map<Integer, JsonObject> schemas = new HashMap<>();
  private final Map<String, GenericDatumReader<GenericRecord>> avroReaders = new HashMap<>();
  private final Map<String, Descriptors.Descriptor> protoTypes = new HashMap<>();

  private final String authorization;

  /** @param userInfo {@code user:password} for basic auth */
  RegistryReader(String url, String userInfo) {
    this.url = url;
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  static int schemaId(byte[] value) {
    assertThat(value[0]).as("magic byte").isZero();
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  JsonObject decode(byte[] value) throws IOException, InterruptedException {
    JsonObject schema = schemas.get(schemaId(value));
    if (schema == null) {
      schema = get("/schemas/ids/" + schemaId(value));
      schemas.put(schemaId(value), schema);
    }
    String text = schema.getString("schema");
    switch (schema.getString("schemaType", "AVRO")) {
      case "AVRO" -> {
        GenericRecord r = avroReaders.computeIfAbsent(text, s -> new GenericDatumReader<>(new Schema.Parser().parse(s)))
            .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        JsonObject e = new JsonObject();
        r.getSchema().getFields().forEach(field -> {
          Object v = r.get(field.name());
          e.put(field.name(), v instanceof CharSequence ? v.toString() : v);
        });
        return e;
      }
      case "PROTOBUF" -> {
        assertThat(value[5]).as("message indexes [0]").isZero();
        Descriptors.Descriptor type = protoTypes.computeIfAbsent(text, ProtoSchemaReader::firstMessage);
        DynamicMessage m = ProtoSchemaReader.parse(type, Arrays.copyOfRange(value, 6, value.length));
        JsonObject e = new JsonObject();
        for (Descriptors.FieldDescriptor field : type.getFields()) {
          Object v = m.getField(field);
          e.put(field.getName(), v instanceof Descriptors.EnumValueDescriptor ev ? ev.getName() : v);
        }
        return e;
      }
      case "JSON" -> {
        assertThat(new JsonObject(text).getString("title")).isEqualTo("io.clickstream.ClickEvent");
        return new JsonObject(new String(value, 5, value.length - 5, StandardCharsets.UTF_8));
      }
      default -> throw new AssertionError("unknown schemaType in " + schema);
    }
  }

  JsonObject get(String path) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(URI.create(url + path)).GET(), path);
  }

  /** Registers {@code body} ({"schema":..., "schemaType":...}) under the subject; returns {"id":N}. */
  JsonObject register(String subject, JsonObject body) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())), "register under " + subject);
  }

  void compatibility(String subject, String level) throws IOException, InterruptedException {
    call(HttpRequest.newBuilder(URI.create(url + "/config/" + subject))
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("compatibility", level).encode())),
        "config of " + subject);
  }

  private JsonObject call(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request.header("Content-Type", CONTENT_TYPE)
            .header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }
}
