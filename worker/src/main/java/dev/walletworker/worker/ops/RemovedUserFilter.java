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
 * next request, rather than when it idles out: one lookup by primary key per console request. A
 * user removed and added again under the same name is a new user (maybe another person): the
 * session remembers when the user it signed in was created, and a different date ends it too.
 */
final class RemovedUserFilter extends OncePerRequestFilter {

  /** The session attribute holding the signed-in user's {@code created_at}, set at sign-in. */
  static final String USER_CREATED_AT = RemovedUserFilter.class.getName() + ".createdAt";

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
        && !stillTheSameUser(request, auth.getName())) {
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

  private boolean stillTheSameUser(HttpServletRequest request, String name) {
    HttpSession session = request.getSession(false);
    Object signedInCreatedAt = session == null ? null : session.getAttribute(USER_CREATED_AT);
    return users.find(name).map(user -> user.createdAt().equals(signedInCreatedAt)).orElse(false);
  }
}
