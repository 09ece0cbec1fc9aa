package io.clickstream.coordinator;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which {@code Host} headers the coordinator answers: the defence against DNS rebinding. A page on
 * evil.example whose name is made to resolve to 127.0.0.1 is, for the browser, the same origin as the
 * coordinator, so neither CORS nor the Origin check stops it; only the Host header still says
 * evil.example. Allowed are loopback names, IP literals (nobody can rebind those), the bound host, and
 * the names in HTTP_ALLOWED_HOSTS; {@code *} turns the check off.
 */
public final class AllowedHosts {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-f]*:[0-9a-f:.]*]?");
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

  private final Set<String> names;
  private final boolean any;

  private AllowedHosts(Set<String> names, boolean any) {
    this.names = names;
    this.any = any;
  }

  /** {@code configured} from HTTP_ALLOWED_HOSTS (already validated), plus the host the server binds. */
  public static AllowedHosts of(List<String> configured, String bindHost) {
    Set<String> names = Stream.concat(configured.stream(), Stream.of("localhost", bindHost))
        .map(AllowedHosts::normalize).filter(h -> !WILDCARDS.contains(h)).collect(Collectors.toUnmodifiableSet());
    return new AllowedHosts(names, configured.contains("*"));
  }

  /** Whether an HTTP_ALLOWED_HOSTS entry is a host name or address (no scheme, port or path). */
  public static boolean isValidEntry(String entry) {
    String h = normalize(entry);
    return entry.equals("*") || io.clickstream.protocol.EnvReader.isHost(h);
  }

  /** Whether a bind address is reachable from this machine only. Literal check, no DNS (event loop). */
  public static boolean isLoopback(String host) {
    String h = normalize(host);
    return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || (IPV4.matcher(h).matches() && h.startsWith("127."));
  }

  /** Whether a request's Host header (name or address, optionally with a port) is allowed; null passes. */
  public boolean allows(String hostHeader) {
    if (any || hostHeader == null) {
      // No Host at all is no browser (HTTP/1.0 tools, probes): rebinding needs one.
      return true;
    }
    String h = normalize(hostOnly(hostHeader));
    return isIpLiteral(h) || h.equals("localhost") || h.endsWith(".localhost") || names.contains(h);
  }

  /** "name:8088" → "name", "[::1]:8088" → "[::1]". */
  public static String hostOnly(String authority) {
    String a = authority.trim();
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      return end < 0 ? a : a.substring(0, end + 1);
    }
    int colon = a.lastIndexOf(':');
    return colon < 0 || a.indexOf(':') != colon ? a : a.substring(0, colon);
  }

  private static boolean isIpLiteral(String h) {
    return IPV4.matcher(h).matches() || IPV6.matcher(h).matches();
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
