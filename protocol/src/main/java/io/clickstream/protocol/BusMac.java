package io.clickstream.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks event-bus messages with an HMAC-SHA256 keyed by CLUSTER_SECRET. The signature is one
 * header, {@value #HEADER}: {@code v1:<sent millis>:<nonce>:<mac>}, the MAC covering the version, time, nonce,
 * kind (send or publish), address and body. A message is accepted only if the MAC matches, its time is within
 * {@link #MAX_SKEW_MILLIS} of ours, and (for a send) its nonce was not seen in that window, so a captured
 * message cannot be replayed. Pure: the clock and the nonce source are parameters.
 *
 * <p>Why a MAC and not TLS: a TLS event bus needs a key pair and a certificate per member, and trusting a
 * certificate does not prove knowledge of a shared secret unless the certificate is derived from it (JSSE has
 * no pre-shared-key suites). A MAC authenticates every message by the secret with the JDK alone. It does not
 * encrypt: the messages (user ranges, rates, counters) stay readable on the wire, which is acceptable for a
 * load generator whose messages carry no credentials.
 */
public final class BusMac {
  public static final String HEADER = "clickstream-mac";
  /** Members' clocks may differ this much; a message older or newer than that is refused. */
  public static final long MAX_SKEW_MILLIS = 60_000;
  public static final int MIN_SECRET_LENGTH = 16;
  /** Bounds the replay memory; at ~300 messages/s (100 workers) a 2-minute window holds ~36,000 nonces. */
  static final int MAX_NONCES = 200_000;
  private static final String VERSION = "v1";

  private final SecretKeySpec key;
  private final LongSupplier clock;
  private final Supplier<byte[]> nonces;
  /** Nonce → sent millis, oldest first. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
  private final ThreadLocal<Mac> macs;
  private final int maxNonces;

  public BusMac(String secret, LongSupplier clock, Supplier<byte[]> nonces) {
    this(secret, clock, nonces, MAX_NONCES);
  }

  BusMac(String secret, LongSupplier clock, Supplier<byte[]> nonces, int maxNonces) {
    this.maxNonces = maxNonces;
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("the secret must be at least " + MIN_SECRET_LENGTH + " characters");
    }
    // A key derived for this one use, so the secret itself could serve elsewhere without sharing a key.
    this.key = new SecretKeySpec(hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
        "clickstream event bus v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
    this.clock = clock;
    this.nonces = nonces;
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** The header value for a message about to be sent to {@code address}. */
  public String sign(String address, boolean publish, Object body) {
    String time = Long.toString(clock.getAsLong());
    String nonce = HexFormat.of().formatHex(nonces.get());
    String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(mac(time, nonce, address, publish, body));
    return VERSION + ":" + time + ":" + nonce + ":" + mac;
  }

  /** Null when the message is authentic and fresh; otherwise why it is refused. */
  public String check(String address, boolean publish, Object body, String header) {
    if (header == null) {
      return "no " + HEADER + " header";
    }
    String[] parts = header.split(":", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      return "malformed " + HEADER + " header";
    }
    long sent;
    byte[] given;
    try {
      sent = Long.parseLong(parts[1]);
      given = Base64.getUrlDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      return "malformed " + HEADER + " header";
    }
    if (!MessageDigest.isEqual(given, mac(parts[1], parts[2], address, publish, body))) {
      return "wrong signature (another CLUSTER_SECRET, or the message was altered)";
    }
    long now = clock.getAsLong();
    if (Math.abs(now - sent) > MAX_SKEW_MILLIS) {
      return "signed " + (now - sent) / 1000 + " s away from this member's clock (a replay, or clocks more than "
          + MAX_SKEW_MILLIS / 1000 + " s apart)";
    }
    // A publish reaches every local handler through its own check: its nonce may repeat legitimately.
    return publish ? null : rememberNonce(parts[2], sent, now);
  }

  private synchronized String rememberNonce(String nonce, long sent, long now) {
    for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> eldest = it.next();
      if (seen.size() < maxNonces && eldest.getValue() >= now - 2 * MAX_SKEW_MILLIS) {
        break;
      }
      it.remove();
    }
    if (seen.putIfAbsent(nonce, sent) != null) {
      return "replayed (nonce already seen)";
    }
    return null;
  }

  private byte[] mac(String time, String nonce, String address, boolean publish, Object body) {
    Mac mac = macs.get();
    for (String part : new String[] {VERSION, time, nonce, publish ? "publish" : "send", address}) {
      mac.update(part.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '\n');
    }
    mac.update(canonical(body));
    return mac.doFinal();
  }

  /**
   * The body as bytes both sides agree on. JSON is re-encoded: the receiver decodes the sender's encoding
   * into the same map in the same order, and Vert.x encodes it back to the same text.
   */
  static byte[] canonical(Object body) {
    if (body == null) {
      return new byte[] {0};
    }
    String text;
    if (body instanceof JsonObject json) {
      text = "o" + json.encode();
    } else if (body instanceof JsonArray json) {
      text = "a" + json.encode();
    } else if (body instanceof Buffer buffer) {
      return concat((byte) 'b', buffer.getBytes());
    } else if (body instanceof byte[] bytes) {
      return concat((byte) 'b', bytes);
    } else if (body instanceof ReplyException failure) {
      text = "f" + failure.failureType() + ":" + failure.failureCode() + ":" + failure.getMessage();
    } else {
      text = "s" + body;
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte tag, byte[] bytes) {
    byte[] out = new byte[bytes.length + 1];
    out[0] = tag;
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    return newMac(key).doFinal(data);
  }
}
