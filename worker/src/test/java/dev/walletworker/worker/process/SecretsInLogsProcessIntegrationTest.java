package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A daemon run with known secrets through real work (a charge, webhooks good and forged, API calls
 * with good and bad keys): no log line may carry a secret, an API key, or a payment method.
 */
class SecretsInLogsProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void noSecretKeyOrCardMaterialAppearsInTheLog() throws Exception {
    String stripeKey = "sk_test_SeCrEtStRiPeKeY0123456789";
    String webhookSecret = "whsec_SeCrEtWeBhOoK0123456789";
    String smtpPassword = "smtp-SeCrEt-PaSsWoRd-0123";
    try (StripeEmulator stripe = StripeEmulator.start(0)) {
      int apiPort = DaemonProcess.freePort();
      stripe.webhook("http://127.0.0.1:" + apiPort + "/v1/webhooks/stripe", webhookSecret);
      Map<String, String> env = new HashMap<>();
      env.put("STRIPE_API_KEY", stripeKey);
      env.put("STRIPE_API_BASE", stripe.apiBase());
      env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
      env.put("SMTP_PASSWORD", smtpPassword);
      env.put("SMTP_PORT", Integer.toString(DaemonProcess.freePort()));
      try (DaemonProcess daemon =
          DaemonProcess.start(
              "secrets",
              new DaemonProcess.Target(db.jdbcUrl(), db.username(), db.password()),
              env,
              apiPort)) {
        TestWallets.wallet("acct_aaaaaaaaaaaaaaaa")
            .email("a@example.com")
            .balance(10)
            .autoTopUp(5, 25, stripe.createCustomer("a@example.com"), "pm_card_chargeDeclined")
            .lowBalanceAlert(8)
            .insert(db.jdbc());
        String apiKey =
            new ApiKeys(db.database(), Clock.systemUTC()).issue("acct_aaaaaaaaaaaaaaaa");

        db.jdbc()
            .sql("UPDATE wallets SET balance = 1")
            .update(); // a declined charge, alert and mail
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline
            && db.jdbc()
                    .sql("SELECT count(*) FROM topup_attempts WHERE status = 'failed'")
                    .query(Long.class)
                    .single()
                == 0) {
          Thread.sleep(100);
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + apiPort;
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance"))
                .header("Authorization", "Bearer " + apiKey)
                .build(),
            HttpResponse.BodyHandlers.discarding());
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance"))
                .header("Authorization", "Bearer " + apiKey + "x")
                .build(),
            HttpResponse.BodyHandlers.discarding());
        String forged = "{\"id\":\"evt_x\",\"type\":\"payment_intent.succeeded\"}";
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/stripe"))
                .header(
                    "Stripe-Signature",
                    StripeEmulator.signature(
                        forged, System.currentTimeMillis() / 1000, "whsec_wrong"))
                .POST(HttpRequest.BodyPublishers.ofString(forged))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        Thread.sleep(1500);

        String log = daemon.log();
        assertThat(log)
            .contains("auto top-up declined", "stripe webhook rejected"); // the flows ran
        for (String secret : List.of(stripeKey, webhookSecret, smtpPassword, apiKey, "SeCrEt")) {
          assertThat(log).as("log must not contain %s", secret).doesNotContain(secret);
        }
        assertThat(log).doesNotContain("ask_").doesNotContain("pm_card").doesNotContain("sk_test");
      }
    }
  }
}
