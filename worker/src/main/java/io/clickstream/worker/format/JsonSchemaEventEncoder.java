package io.clickstream.worker.format;

import io.clickstream.worker.publish.EventJsonEncoder;
import io.clickstream.worker.simulation.ClickEvent;

/**
 * JSON Schema in the Confluent wire format: the 5-byte prefix, then exactly the bytes of the JSON
 * format (schemas/clickstream.json describes them).
 */
final class JsonSchemaEventEncoder extends ConfluentEncoder {
  private final EventJsonEncoder json = new EventJsonEncoder();

  JsonSchemaEventEncoder(int schemaId) {
    super(schemaId);
  }

  @Override
  int writePayload(ClickEvent e, long processingTime, int pos) {
    byte[] payload = json.encodeReusing(e, processingTime);
    System.arraycopy(payload, 0, buffer, pos, payload.length);
    return pos + payload.length;
  }
}
