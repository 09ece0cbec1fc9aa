package io.clickstream.worker.format;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of a flat proto3 file (top-level messages of scalar and enum fields, top-level enums)
 * into a protobuf-java descriptor, so that a test decodes values with protobuf-java's own parser
 * (DynamicMessage) driven by the schema text, such as the one the registry returns, rather than by our
 * encoder's idea of it. protobuf-java has no .proto parser; this covers what schemas/clickstream.proto uses
 * and fails on anything else.
 */
public final class ProtoSchemaReader {
  private static final Pattern BLOCK = Pattern.compile("(message|enum)\\s+(\\w+)\\s*\\{([^}]*)}");
  private static final Pattern FIELD = Pattern.compile("(\\w+)\\s+(\\w+)\\s*=\\s*(\\d+)\\s*;");
  private static final Pattern ENUM_VALUE = Pattern.compile("(\\w+)\\s*=\\s*(\\d+)\\s*;");
  private static final Pattern PACKAGE = Pattern.compile("package\\s+([\\w.]+)\\s*;");
  private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.of(
      "string", FieldDescriptorProto.Type.TYPE_STRING, "double", FieldDescriptorProto.Type.TYPE_DOUBLE,
      "int64", FieldDescriptorProto.Type.TYPE_INT64, "int32", FieldDescriptorProto.Type.TYPE_INT32,
      "bool", FieldDescriptorProto.Type.TYPE_BOOL);

  private ProtoSchemaReader() {
  }

  /** The descriptor of the first message of the file (what message index [0] names). */
  public static Descriptors.Descriptor firstMessage(String protoText) {
    String text = protoText.replaceAll("//[^\n]*", "");
    Matcher pkg = PACKAGE.matcher(text);
    FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName("schema.proto").setSyntax("proto3");
    String packageName = pkg.find() ? pkg.group(1) : "";
    file.setPackage(packageName);
    Matcher block = BLOCK.matcher(text);
    String first = null;
    while (block.find()) {
      if (block.group(1).equals("enum")) {
        EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(block.group(2));
        Matcher v = ENUM_VALUE.matcher(block.group(3));
        while (v.find()) {
          e.addValue(EnumValueDescriptorProto.newBuilder().setName(v.group(1)).setNumber(Integer.parseInt(v.group(2))));
        }
        file.addEnumType(e);
      } else {
        first = first == null ? block.group(2) : first;
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(block.group(2));
        Matcher f = FIELD.matcher(block.group(3));
        while (f.find()) {
          FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(f.group(2))
              .setNumber(Integer.parseInt(f.group(3))).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
          FieldDescriptorProto.Type scalar = SCALARS.get(f.group(1));
          if (scalar != null) {
            field.setType(scalar);
          } else {
            field.setType(FieldDescriptorProto.Type.TYPE_ENUM).setTypeName("." + packageName + "." + f.group(1));
          }
          m.addField(field);
        }
        file.addMessageType(m);
      }
    }
    try {
      return Descriptors.FileDescriptor.buildFrom(file.build(), new Descriptors.FileDescriptor[0])
          .findMessageTypeByName(first);
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalArgumentException("not a schema this reader understands: " + e.getMessage(), e);
    }
  }

  /** Parses a payload strictly: a field of the wrong wire type or an unknown field fails. */
  public static DynamicMessage parse(Descriptors.Descriptor type, byte[] payload) {
    try {
      DynamicMessage message = DynamicMessage.parseFrom(type, payload);
      if (!message.getUnknownFields().asMap().isEmpty()) {
        throw new IllegalArgumentException("unknown or mistyped fields " + message.getUnknownFields());
      }
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a valid " + type.getFullName() + ": " + e.getMessage(), e);
    }
  }
}
