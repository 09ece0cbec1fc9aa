package io.clickstream.worker.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.EventType;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Each hand-written encoder against the format's own library, driven by the schema file the worker
 * registers, over simulated events of every kind: the decoded fields must equal the JSON format's.
 */
class ValueFormatsTest {
  private static final int SCHEMA_ID = 0x01020304;

  @Test
  void avroValuesReadBackWithAvrosOwnReader() throws IOException {
    Schema schema = new Schema.Parser().parse(SchemaRegistration.schemaText(ValueFormat.AVRO));
    GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
    forSimulatedEvents(new ValueEncoding(ValueFormat.AVRO, SCHEMA_ID), 5, (value, json) -> {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
      GenericRecord r = reader.read(null, decoder);
      assertThat(decoder.isEnd()).as("nothing after the record").isTrue();
      assertThat(json.fieldNames()).allSatisfy(name -> assertThat(schema.getField(name)).isNotNull());
      for (String text : new String[] {"event_id", "user_id", "session_id", "event_type", "product_id"}) {
        assertThat(r.get(text).toString()).as(text).isEqualTo(json.getString(text));
      }
      assertThat((double) r.get("price")).isEqualTo(json.getDouble("price"));
      assertThat((long) r.get("event_time")).isEqualTo(json.getLong("event_time"));
      assertThat((long) r.get("processing_time")).isEqualTo(json.getLong("processing_time"));
      // Same bytes as Avro's own writer of the record it read.
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(written, null);
      new GenericDatumWriter<GenericRecord>(schema).write(r, encoder);
      encoder.flush();
      assertThat(written.toByteArray()).isEqualTo(Arrays.copyOfRange(value, 5, value.length));
    });
  }

  @Test
  void protobufValuesParseWithProtobufJava() {
    Descriptors.Descriptor type = ProtoSchemaReader.firstMessage(SchemaRegistration.schemaText(ValueFormat.PROTOBUF));
    forSimulatedEvents(new ValueEncoding(ValueFormat.PROTOBUF, SCHEMA_ID), 6, (value, json) -> {
      assertThat(value[5]).as("message indexes [0], written as a single 0").isZero();
      DynamicMessage m = ProtoSchemaReader.parse(type, Arrays.copyOfRange(value, 6, value.length));
      for (String text : new String[] {"event_id", "user_id", "session_id", "product_id"}) {
        assertThat(m.getField(type.findFieldByName(text))).as(text).isEqualTo(json.getString(text));
      }
      assertThat(((Descriptors.EnumValueDescriptor) m.getField(type.findFieldByName("event_type"))).getName())
          .isEqualTo(json.getString("event_type"));
      assertThat(m.getField(type.findFieldByName("price"))).isEqualTo(json.getDouble("price"));
      assertThat(m.getField(type.findFieldByName("event_time"))).isEqualTo(json.getLong("event_time"));
      assertThat(m.getField(type.findFieldByName("processing_time"))).isEqualTo(json.getLong("processing_time"));
      // Same bytes as protobuf-java writes: field order and proto3's defaults.
      assertThat(m.toByteArray()).isEqualTo(Arrays.copyOfRange(value, 6, value.length));
    });
  }

  @Test
  void jsonSchemaValuesAreThePrefixAndTheJsonBytes() {
    forSimulatedEvents(new ValueEncoding(ValueFormat.JSON_SCHEMA, SCHEMA_ID), 5, (value, json) ->
        assertThat(new JsonObject(new String(value, 5, value.length - 5, StandardCharsets.UTF_8))).isEqualTo(json));
  }

  @Test
  void theProtobufEnumNamesEveryEventTypeAndTheRecordNamesAgree() throws IOException {
    Schema schema = new Schema.Parser().parse(SchemaRegistration.schemaText(ValueFormat.AVRO));
    // A string for Flink's avro-confluent (FLINK-24544): see AvroEventEncoder.
    assertThat(schema.getField("event_type").schema().getType()).isEqualTo(Schema.Type.STRING);
    Descriptors.Descriptor type = ProtoSchemaReader.firstMessage(SchemaRegistration.schemaText(ValueFormat.PROTOBUF));
    for (EventType t : EventType.values()) {
      assertThat(type.findFieldByName("event_type").getEnumType().findValueByNumber(t.ordinal() + 1).getName())
          .isEqualTo(t.name());
    }
    assertThat(type.getFullName()).isEqualTo(ValueFormat.RECORD_NAME);
    assertThat(schema.getFullName()).isEqualTo(ValueFormat.RECORD_NAME);
  }

  interface Check {
    void accept(byte[] value, JsonObject json) throws IOException;
  }

  /** Checks the Confluent prefix, the reused-array path and then {@code check} on each of many events. */
  private static void forSimulatedEvents(ValueEncoding encoding, int prefixLength, Check check) {
    ClickSimulator sim = new ClickSimulator(new Catalog(2000, 3), Behaviour.defaults(5, 120, 30), 5);
    sim.assign(new UserRange(1, 123_456), 1);
    EventEncoder encoder = encoding.newEncoder();
    EventJsonEncoder jsonEncoder = new EventJsonEncoder();
    ClickEvent e = new ClickEvent();
    for (int i = 0; i < 5_000; i++) {
      long now = 1_700_000_000_000L + i * 7L;
      sim.next(now, e);
      if (i == 0) {
        e.priceCents = 0;
      }
      byte[] fresh = encoder.encode(e, now + 3);
      assertThat(encoder.encodeReusing(e, now + 3)).isEqualTo(fresh);
      assertThat(Arrays.copyOf(fresh, 5)).as("magic byte and big-endian schema id").containsExactly(0, 1, 2, 3, 4);
      assertThat(fresh.length).isGreaterThan(prefixLength);
      try {
        check.accept(fresh, new JsonObject(new String(jsonEncoder.encode(e, now + 3), StandardCharsets.UTF_8)));
      } catch (IOException ex) {
        throw new AssertionError("event " + i, ex);
      }
    }
  }
}
