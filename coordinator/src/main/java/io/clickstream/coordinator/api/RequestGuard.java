package io.clickstream.coordinator.api;

import io.clickstream.coordinator.AllowedHosts;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps other web sites out of the control API, which a browser on the operator's machine can reach.
 * Runs before every route:
 * <ul>
 *   <li>the {@code Host} must be allowed ({@link AllowedHosts}; probes excepted), against DNS rebinding;
 *   <li>a command (any method but GET and HEAD) must not come from another site: a browser says so in
 *       {@code Sec-Fetch-Site} and {@code Origin}, which pages cannot forge;
 *   <li>a command must be {@code Content-Type: application/json}. A plain form post or a "simple"
 *       fetch cannot send that type without a CORS preflight, and this server answers no preflight.
 * </ul>
 * curl sends neither Origin nor Sec-Fetch-Site, so scripts only need the content type.
 */
final class RequestGuard implements Handler<RoutingContext> {
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);
  /** Probes come from orchestrators by any name (pod IP, service name); they change nothing. */
  private static final Set<String> PROBES = Set.of(HttpApi.HEALTH, HttpApi.READY);

  private final AllowedHosts hosts;

  RequestGuard(AllowedHosts hosts) {
    this.hosts = hosts;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String host = host(request);
    if (!PROBES.contains(request.path()) && !hosts.allows(host)) {
      HttpApi.error(rc, 403, "Host \"" + host + "\" is not an allowed name for this coordinator; add it to "
          + "HTTP_ALLOWED_HOSTS (names only, so that a DNS-rebinding web page cannot reach the API)");
      return;
    }
    if (READS.contains(request.method())) {
      rc.next();
      return;
    }
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      HttpApi.error(rc, 403, "cross-site command refused (Sec-Fetch-Site: " + site + "): only the dashboard's own "
          + "page or a tool like curl may send commands");
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !sameOrigin(origin, host)) {
      HttpApi.error(rc, 403, "cross-origin command refused: Origin " + origin + " is not this server (Host "
          + host + ")");
      return;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(type)) {
      HttpApi.error(rc, 415, "commands need Content-Type: application/json (curl: -H 'Content-Type: application/json'), got "
          + (type == null ? "none" : "\"" + type + "\""));
      return;
    }
    rc.next();
  }

  /** The Host header, or HTTP/2's :authority (Java's client upgrades to h2c). */
  private static String host(HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    HostAndPort authority = request.authority();
    if (host != null || authority == null) {
      return host;
    }
    String name = authority.host().contains(":") && !authority.host().startsWith("[") ? "[" + authority.host() + "]"
        : authority.host();
    return authority.port() < 0 ? name : name + ":" + authority.port();
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return media.toLowerCase(Locale.ROOT).equals("application/json");
  }

  /** Origin "http://host:port" against the Host header, ports defaulted by the origin's scheme. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      // "null" (sandboxed frames, file: pages) and garbage.
      return false;
    }
    int defaultPort = uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
    String hostName = AllowedHosts.hostOnly(host);
    String portText = host.trim().substring(hostName.length());
    int hostPort;
    try {
      hostPort = portText.startsWith(":") ? Integer.parseInt(portText.substring(1)) : defaultPort;
    } catch (NumberFormatException e) {
      return false;
    }
    return uri.getHost().equalsIgnoreCase(hostName) && originPort == hostPort;
  }
}
