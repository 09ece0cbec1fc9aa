package io.clickstream.coordinator.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Server-sent events for the dashboard: one status document per second to every open connection. One
 * shared timer (the coordinator's) drives all connections, so N viewers cost one status build, and a
 * slow client whose buffer is full skips a beat instead of growing memory.
 */
public final class StatusStream {
  private final Set<HttpServerResponse> clients = new LinkedHashSet<>();

  public void open(HttpServerResponse response) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": connected\n\n");
    clients.add(response);
    response.closeHandler(v -> clients.remove(response));
    response.exceptionHandler(err -> clients.remove(response));
  }

  public boolean hasClients() {
    return !clients.isEmpty();
  }

  public void broadcast(JsonObject status) {
    if (clients.isEmpty()) {
      return;
    }
    String frame = "event: status\ndata: " + status.encode() + "\n\n";
    for (HttpServerResponse client : clients) {
      if (!client.writeQueueFull()) {
        client.write(frame);
      }
    }
  }

  public void closeAll() {
    clients.forEach(HttpServerResponse::end);
    clients.clear();
  }
}
