package io.clickstream.worker.publish;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.clickstream.worker.simulation.ClickEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serialises events to the 8-field JSON schema with one reused Jackson generator: the only allocation
 * per event is the resulting byte array that Kafka keeps. Not thread-safe; one per generator thread.
 */
public final class EventJsonEncoder {
  private static final SerializedString EVENT_ID = new SerializedString("event_id");
  private static final SerializedString USER_ID = new SerializedString("user_id");
  private static final SerializedString SESSION_ID = new SerializedString("session_id");
  private static final SerializedString EVENT_TYPE = new SerializedString("event_type");
  private static final SerializedString PRODUCT_ID = new SerializedString("product_id");
  private static final SerializedString PRICE = new SerializedString("price");
  private static final SerializedString EVENT_TIME = new SerializedString("event_time");
  private static final SerializedString PROCESSING_TIME = new SerializedString("processing_time");
  private static final SerializedString[] TYPE_NAMES;

  static {
    var types = io.clickstream.worker.simulation.EventType.values();
    TYPE_NAMES = new SerializedString[types.length];
    for (var t : types) {
      TYPE_NAMES[t.ordinal()] = new SerializedString(t.name());
    }
  }

  private final ByteArrayBuilder buffer = new ByteArrayBuilder(320);
  private final JsonGenerator generator;
  private final char[] chars = new char[64];

  public EventJsonEncoder() {
    try {
      generator = new JsonFactory().createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Each event is its own root value: no separator between them.
    generator.setRootValueSeparator(null);
  }

  public byte[] encode(ClickEvent e, long processingTime) {
    try {
      JsonGenerator g = generator;
      g.writeStartObject();
      g.writeFieldName(EVENT_ID);
      g.writeString(chars, 0, Ids.writeUuid(e.eventHi, e.eventLo, chars, 0));
      g.writeFieldName(USER_ID);
      g.writeString(chars, 0, Ids.writeUserId(e.user, chars, 0));
      g.writeFieldName(SESSION_ID);
      chars[0] = 's';
      chars[1] = 'e';
      chars[2] = 's';
      chars[3] = 's';
      chars[4] = 'i';
      chars[5] = 'o';
      chars[6] = 'n';
      chars[7] = '-';
      g.writeString(chars, 0, Ids.writeUuid(e.sessionHi, e.sessionLo, chars, 8));
      g.writeFieldName(EVENT_TYPE);
      g.writeString(TYPE_NAMES[e.type.ordinal()]);
      g.writeFieldName(PRODUCT_ID);
      g.writeString(chars, 0, Ids.writeProductId(e.product, chars, 0));
      g.writeFieldName(PRICE);
      g.writeNumber(chars, 0, Ids.writePrice(e.priceCents, chars, 0));
      g.writeFieldName(EVENT_TIME);
      g.writeNumber(e.eventTime);
      g.writeFieldName(PROCESSING_TIME);
      g.writeNumber(processingTime);
      g.writeEndObject();
      g.flush();
      byte[] bytes = buffer.toByteArray();
      buffer.reset();
      return bytes;
    } catch (IOException ex) {
      // A ByteArrayBuilder never throws; this would be a bug, not an I/O condition.
      throw new UncheckedIOException(ex);
    }
  }
}
