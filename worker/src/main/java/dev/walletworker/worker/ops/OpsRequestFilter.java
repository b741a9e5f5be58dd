package dev.walletworker.worker.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management server's first filter: marks each request as one that arrived on {@code
 * MANAGEMENT_PORT} (the console's security chain matches only marked requests), and refuses a
 * console request from a client not on this host unless {@code OPS_REMOTE_ACCESS} allows it.
 */
final class OpsRequestFilter extends OncePerRequestFilter {

  private static final String MARK = OpsRequestFilter.class.getName() + ".management";

  private final boolean remoteAccess;

  OpsRequestFilter(boolean remoteAccess) {
    this.remoteAccess = remoteAccess;
  }

  /** A request for the console that came in on the management port. */
  static boolean isConsoleRequest(HttpServletRequest request) {
    return request.getAttribute(MARK) != null && isConsolePath(request.getRequestURI());
  }

  private static boolean isConsolePath(String path) {
    return path != null && (path.equals("/ops") || path.startsWith("/ops/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    request.setAttribute(MARK, Boolean.TRUE);
    if (!remoteAccess
        && isConsolePath(request.getRequestURI())
        && !InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
      // The address is a literal: getByName parses it without a lookup.
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
