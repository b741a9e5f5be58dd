package dev.walletworker.worker.http;

import dev.walletworker.account.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every {@code /v1} call but Stripe's webhooks needs {@code Authorization: Bearer ask_…}; the key
 * decides the account, so a key only ever reaches its own account's data. Oversized bodies are
 * refused before they are read.
 */
final class ApiAuthFilter extends OncePerRequestFilter {

  static final String ACCOUNT = "wallet.account";

  private final ApiKeys keys;
  private final int maxBodyBytes;

  ApiAuthFilter(ApiKeys keys, int maxBodyBytes) {
    this.keys = keys;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/v1/") || path.startsWith("/v1/webhooks/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > maxBodyBytes) {
      write(
          response,
          HttpStatus.CONTENT_TOO_LARGE,
          "request_too_large",
          "Request body is larger than " + maxBodyBytes + " bytes");
      return;
    }
    String header = request.getHeader("Authorization");
    Optional<String> account =
        header != null && header.startsWith("Bearer ")
            ? keys.accountFor(header.substring(7).strip())
            : Optional.empty();
    if (account.isEmpty()) {
      response.setHeader("WWW-Authenticate", "Bearer");
      write(
          response,
          HttpStatus.UNAUTHORIZED,
          "authentication_error",
          header == null ? "Missing API key: send Authorization: Bearer ask_…" : "Invalid API key");
      return;
    }
    request.setAttribute(ACCOUNT, account.get());
    chain.doFilter(request, response);
  }

  private static void write(
      HttpServletResponse response, HttpStatus status, String type, String message)
      throws IOException {
    var entity = ApiJson.error(status, type, message, null);
    response.setStatus(status.value());
    response.setContentType("application/json");
    response.getOutputStream().write(entity.getBody().getBytes(StandardCharsets.UTF_8));
  }
}
