package io.clickstream.worker.format;

/**
 * One reused output array per value length: Kafka's serializer copies the value into its batch before
 * {@code send} returns, so an encoder may hand out the same array for every value of one length. Saves the
 * one allocation that dominates the generator's garbage. Not thread-safe: one per encoder.
 */
final class ReusedArrays {
  private final byte[][] byLength;

  ReusedArrays(int maxLength) {
    byLength = new byte[maxLength + 1][];
  }

  /** The first {@code length} bytes of {@code buffer}, in the array kept for that length. */
  byte[] copyOf(byte[] buffer, int length) {
    byte[] out = byLength[length];
    if (out == null) {
      out = new byte[length];
      byLength[length] = out;
    }
    System.arraycopy(buffer, 0, out, 0, length);
    return out;
  }
}
