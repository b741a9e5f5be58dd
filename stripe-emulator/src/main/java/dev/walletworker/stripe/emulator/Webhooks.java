package dev.walletworker.stripe.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the webhook URL, signed as Stripe signs them, one at a time in the order they
 * happened; a delivery that fails is tried again with back-off, five times in all.
 */
final class Webhooks implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
  private static final int ATTEMPTS = 5;

  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(r -> Threads.daemon(r, "stripe-emulator-webhooks"));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
  private volatile String url;
  private volatile String secret;

  /** Where events go, and the secret that signs them ({@code whsec_…}). */
  void configure(String newUrl, String newSecret) {
    this.url = newUrl;
    this.secret = newSecret;
  }

  String url() {
    return url;
  }

  /** Sends {@code event} soon, in the background, trying again if it fails. */
  void submit(Event event) {
    if (url != null) {
      sender.submit(() -> deliverWithRetries(event));
    }
  }

  /** Sends {@code event} now, once; returns the HTTP status, or -1. */
  int post(Event event) {
    String target = url;
    if (target == null) {
      return -1;
    }
    String payload = Exchanges.JSON.writeValueAsString(event.json());
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(target))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .header("Stripe-Signature", signature(payload, Ids.now(), secret))
                  .POST(HttpRequest.BodyPublishers.ofString(payload))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() >= 200 && response.statusCode() < 300) {
        deliveries.merge(event.id(), 1, Integer::sum);
      }
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** How many times {@code eventId} reached the webhook with a 2xx answer. */
  int deliveries(String eventId) {
    return deliveries.getOrDefault(eventId, 0);
  }

  void clear() {
    deliveries.clear();
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }

  /** Stripe's scheme: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}. */
  static String signature(String payload, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
      return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deliverWithRetries(Event event) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int status = post(event);
      if (status >= 200 && status < 300) {
        return;
      }
      Threads.sleep(Duration.ofMillis(200L << attempt));
    }
    log.warn("stripe emulator gave up delivering {} to {}", event.id(), url);
  }
}
