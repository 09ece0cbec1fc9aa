package io.clickstream.worker.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * VALUE_FORMAT: how record values are written. JSON is the original contract (plain JSON, no registry);
 * the others are the Confluent wire format (magic byte 0, the 4-byte schema id, the payload) with the
 * schema registered in a Schema Registry. The schemas are files of the repository (schemas/), packaged
 * into the worker jar.
 */
public enum ValueFormat {
  JSON("json", null, null),
  AVRO("avro", "AVRO", "schemas/clickstream.avsc"),
  PROTOBUF("protobuf", "PROTOBUF", "schemas/clickstream.proto"),
  JSON_SCHEMA("json-schema", "JSON", "schemas/clickstream.json");

  /** The record name in all three schemas: the subject under SCHEMA_REGISTRY_SUBJECT_STRATEGY=record. */
  public static final String RECORD_NAME = "io.clickstream.ClickEvent";

  private final String setting;
  private final String schemaType;
  private final String schemaResource;

  ValueFormat(String setting, String schemaType, String schemaResource) {
    this.setting = setting;
    this.schemaType = schemaType;
    this.schemaResource = schemaResource;
  }

  /** The VALUE_FORMAT spelling, or null when unknown. */
  public static ValueFormat of(String setting) {
    for (ValueFormat f : values()) {
      if (f.setting.equals(setting)) {
        return f;
      }
    }
    return null;
  }

  public static String choices() {
    return Arrays.stream(values()).map(f -> f.setting).collect(Collectors.joining(", "));
  }

  public boolean usesRegistry() {
    return schemaType != null;
  }

  /** The registry's schemaType: AVRO, PROTOBUF or JSON. */
  public String schemaType() {
    return schemaType;
  }

  /** Where the schema is on the class path. */
  public String schemaResource() {
    return schemaResource;
  }

  public String setting() {
    return setting;
  }
}
