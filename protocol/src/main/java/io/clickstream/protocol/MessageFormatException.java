package io.clickstream.protocol;

/** An event-bus message that is not a valid message of this protocol version. Names the culprit. */
public final class MessageFormatException extends RuntimeException {
  public MessageFormatException(String message) {
    super(message);
  }
}
