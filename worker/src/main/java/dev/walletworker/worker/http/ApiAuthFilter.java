package dev.walletworker.worker.http;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.metering.ServiceKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may call which {@code /v1} endpoint. The owner's endpoints ({@code /v1/wallet/…}) take the
 * account's key, {@code Bearer ask_…}, and the key decides the account, so a key only ever reaches
 * its own account's data. The metering endpoints ({@code /v1/usage}, {@code /v1/holds}, {@code
 * /v1/accounts/…}) take a service key, {@code Bearer wsk_…}, for any account. A valid key of the
 * other kind is refused with 403; no key, or an unknown or revoked one, with 401. Stripe's webhooks
 * and the OpenAPI document need no key. Oversized bodies are refused before they are read.
 *
 * <p>As a filter it guards the owner's endpoints. The metering paths are {@link
 * MeteringApiFilter}'s (its {@code PATTERNS}), which comes first, asks {@link #refusal} the same
 * question and never passes them on down the chain.
 */
final class ApiAuthFilter extends OncePerRequestFilter {

  static final String ACCOUNT = "wallet.account";
  static final String SERVICE_KEY = "wallet.service-key";

  private final ApiKeys keys;
  private final ServiceKeys serviceKeys;
  private final int maxBodyBytes;
  private final int meteringMaxBodyBytes;

  ApiAuthFilter(ApiKeys keys, ServiceKeys serviceKeys, int maxBodyBytes, int meteringMaxBodyBytes) {
    this.keys = keys;
    this.serviceKeys = serviceKeys;
    this.maxBodyBytes = maxBodyBytes;
    this.meteringMaxBodyBytes = meteringMaxBodyBytes;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/v1/")
        || path.startsWith("/v1/webhooks/")
        || path.equals("/v1/openapi.json");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ApiError refusal = refusal(request, false);
    if (refusal != null) {
      write(response, refusal);
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * Why the request may not go on, or null when it may: then its key's id ({@link #SERVICE_KEY}) or
   * account ({@link #ACCOUNT}) is set on it.
   *
   * @param metering whether the request is to the metering API (a service key), not the owner's
   */
  ApiError refusal(HttpServletRequest request, boolean metering) {
    int limit = metering ? meteringMaxBodyBytes : maxBodyBytes;
    if (request.getContentLengthLong() > limit) {
      return new ApiError(
          HttpStatus.CONTENT_TOO_LARGE,
          "request_too_large",
          "Request body is larger than " + limit + " bytes",
          null);
    }
    String header = request.getHeader("Authorization");
    String key =
        header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : null;
    if (metering) {
      Optional<String> service = serviceKeys.authenticate(key);
      if (service.isPresent()) {
        request.setAttribute(SERVICE_KEY, service.get());
        return null;
      }
      if (keys.accountFor(key).isPresent()) {
        return new ApiError(
            HttpStatus.FORBIDDEN,
            "permission_error",
            "An account's API key (ask_…) cannot use the metering API: send a service key"
                + " (wsk_…)",
            null);
      }
      return unauthorized(header, "wsk_");
    }
    Optional<String> account = keys.accountFor(key);
    if (account.isPresent()) {
      request.setAttribute(ACCOUNT, account.get());
      return null;
    }
    if (serviceKeys.authenticate(key).isPresent()) {
      return new ApiError(
          HttpStatus.FORBIDDEN,
          "permission_error",
          "A service key (wsk_…) cannot use an account's API: send the account's API key"
              + " (ask_…)",
          null);
    }
    return unauthorized(header, "ask_");
  }

  private static ApiError unauthorized(String header, String prefix) {
    return new ApiError(
        HttpStatus.UNAUTHORIZED,
        "authentication_error",
        header == null
            ? "Missing API key: send Authorization: Bearer " + prefix + "…"
            : "Invalid API key",
        null);
  }

  /** The refusal in the API's error shape; a 401 also names the scheme it expects. */
  static void write(HttpServletResponse response, ApiError refusal) throws IOException {
    if (refusal.status == HttpStatus.UNAUTHORIZED) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    ApiJson.write(
        response, ApiJson.error(refusal.status, refusal.type, refusal.getMessage(), refusal.param));
  }
}
