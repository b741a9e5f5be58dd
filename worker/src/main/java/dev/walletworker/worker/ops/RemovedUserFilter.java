package dev.walletworker.worker.ops;

import dev.walletworker.ops.OpsUsers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends the session of a signed-in console user who was removed ({@code ops-users remove}) at their
 * next request, rather than when it idles out: one lookup by primary key per console request.
 */
final class RemovedUserFilter extends OncePerRequestFilter {

  private final OpsUsers users;

  RemovedUserFilter(OpsUsers users) {
    this.users = users;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null
        && auth.isAuthenticated()
        && auth.getAuthorities().stream()
            .anyMatch(a -> a.getAuthority().equals("ROLE_" + OpsConsoleConfiguration.ROLE))
        && users.find(auth.getName()).isEmpty()) {
      SecurityContextHolder.clearContext();
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
      response.sendRedirect("/ops/sign-in");
      return;
    }
    chain.doFilter(request, response);
  }
}
