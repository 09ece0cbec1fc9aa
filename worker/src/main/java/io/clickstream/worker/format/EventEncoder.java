package io.clickstream.worker.format;

import io.clickstream.worker.simulation.ClickEvent;

/**
 * Turns an event into the bytes of a Kafka record value, in one VALUE_FORMAT. Implementations keep a
 * buffer of their own and are not thread-safe: one per generator thread.
 */
public interface EventEncoder {
  /** A fresh array holding the event's value. */
  byte[] encode(ClickEvent e, long processingTime);

  /**
   * The event's value in an array owned by this encoder, overwritten by a later call that produces the
   * same length. Only for a caller that is done with the array before the next call: KafkaProducer.send()
   * copies the value into its batch before it returns.
   */
  byte[] encodeReusing(ClickEvent e, long processingTime);
}
