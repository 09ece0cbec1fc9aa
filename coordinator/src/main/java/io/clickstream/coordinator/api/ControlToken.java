package io.clickstream.coordinator.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer-token check for the control API. Compared in constant time (MessageDigest.isEqual), so the
 * response time says nothing about how much of a guess was right. GET routes also accept the token as
 * {@code ?access_token=}, because a browser's EventSource cannot send headers.
 */
public final class ControlToken implements Handler<RoutingContext> {
  private final byte[] expected;
  private final boolean allowQueryParameter;

  private ControlToken(String token, boolean allowQueryParameter) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
    this.allowQueryParameter = allowQueryParameter;
  }

  /** For mutating routes: only the Authorization header. */
  public static ControlToken forCommands(String token) {
    return new ControlToken(token, false);
  }

  /** For read routes: the header or the access_token query parameter. */
  public static ControlToken forReads(String token) {
    return new ControlToken(token, true);
  }

  @Override
  public void handle(RoutingContext rc) {
    String presented = null;
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = header.substring(7).trim();
    } else if (allowQueryParameter) {
      presented = rc.request().getParam("access_token");
    }
    if (presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
      rc.next();
      return;
    }
    rc.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer realm=\"clickstream\"")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", 401).put("error", presented == null
            ? "this command needs the control token: send Authorization: Bearer <CONTROL_TOKEN>"
            : "wrong control token").encode());
  }
}
