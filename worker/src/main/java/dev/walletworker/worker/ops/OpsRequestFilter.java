package dev.walletworker.worker.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management server's first filter: marks each request as one that arrived on {@code
 * MANAGEMENT_PORT} (the console's security chain matches every marked request but the actuator's),
 * and refuses such a request from a client not on this host unless {@code OPS_REMOTE_ACCESS} allows
 * it.
 *
 * <p>Both decisions are made on the decoded path, the one Spring MVC maps to a controller: the raw
 * request URI may spell {@code /ops} as {@code /%6Fps}, which a test of the URI would let through
 * to the console's pages unauthenticated. And they deny by default: on this port whatever is not
 * the actuator is the console's, so a spelling nobody thought of still needs a sign-in.
 */
final class OpsRequestFilter extends OncePerRequestFilter {

  private static final String MARK = OpsRequestFilter.class.getName() + ".management";

  /** The actuator's base path on the management port (Boot's default, not configured here). */
  private static final String ACTUATOR = "/actuator";

  /** An IPv4 or IPv6 literal: InetAddress.getByName parses these without a name lookup. */
  private static final Pattern IP_LITERAL =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final boolean remoteAccess;

  OpsRequestFilter(boolean remoteAccess) {
    this.remoteAccess = remoteAccess;
  }

  /** A request that came in on the management port for anything but the actuator. */
  static boolean isConsoleRequest(HttpServletRequest request) {
    return request.getAttribute(MARK) != null && !isActuatorPath(decodedPath(request));
  }

  /**
   * The path as the servlet container decoded and normalised it (percent-escapes decoded, path
   * parameters dropped), which is what the dispatcher servlet maps.
   */
  static String decodedPath(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
  }

  private static boolean isActuatorPath(String path) {
    return path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/");
  }

  /**
   * Only the socket's peer, and only as a literal: a name (which a forwarded header could supply)
   * would cost a lookup and could resolve to loopback.
   */
  private static boolean fromThisHost(HttpServletRequest request) throws IOException {
    String address = request.getRemoteAddr();
    return address != null
        && IP_LITERAL.matcher(address).matches()
        && InetAddress.getByName(address).isLoopbackAddress();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    request.setAttribute(MARK, Boolean.TRUE);
    if (!remoteAccess && !isActuatorPath(decodedPath(request)) && !fromThisHost(request)) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("text/html;charset=UTF-8");
      response
          .getWriter()
          .write(
              "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                  + "<title>Refused · Wallet ops</title></head><body><main><h1>Refused</h1>"
                  + "<p id=\"message\">The ops console answers only on the daemon's own host"
                  + " (OPS_REMOTE_ACCESS is false).</p></main></body></html>");
      return;
    }
    chain.doFilter(request, response);
  }
}
