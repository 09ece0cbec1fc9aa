package io.clickstream.worker.format;


/**
 * The value format a worker writes, with the schema id the registry gave it at start: everything an
 * encoder needs, so that nothing is looked up per event.
 *
 * @param schemaId the registry's id, written into every value; 0 for JSON (no registry)
 */
public record ValueEncoding(ValueFormat format, int schemaId) {
  public static final ValueEncoding JSON = new ValueEncoding(ValueFormat.JSON, 0);

  /** A new encoder: one per generator thread (encoders are not thread-safe). */
  public EventEncoder newEncoder() {
    return switch (format) {
      case JSON -> new EventJsonEncoder();
      case AVRO -> new AvroEventEncoder(schemaId);
      case PROTOBUF -> new ProtobufEventEncoder(schemaId);
      // The payload is exactly the JSON format's bytes (schemas/clickstream.json describes them).
      case JSON_SCHEMA -> new EventJsonEncoder(ConfluentEncoder.prefix(schemaId));
    };
  }
}
