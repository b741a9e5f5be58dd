package dev.walletworker.worker.billing;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a browser: one cookie jar, no redirects followed, forms posted by hand. The ops
 * console's tests use it too.
 */
public final class BillingClient {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  final String base;
  final CookieManager cookies = new CookieManager();
  private final HttpClient http;
  String lastPage = "";

  public BillingClient(String base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public HttpResponse<String> get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    lastPage = response.body();
    return response;
  }

  /** Posts {@code fields} with the CSRF token of the last page fetched. */
  public HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(fields);
    csrf().ifPresent(token -> all.put("_csrf", token));
    return postRaw(path, all);
  }

  /** Posts exactly {@code fields}: no CSRF token unless given. */
  public HttpResponse<String> postRaw(String path, Map<String, String> fields) throws Exception {
    String body =
        fields.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    lastPage = response.body();
    return response;
  }

  public Optional<String> csrf() {
    Matcher m = CSRF.matcher(lastPage);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The session cookie's value, or null. */
  String session() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("wallet_session"))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }
}
