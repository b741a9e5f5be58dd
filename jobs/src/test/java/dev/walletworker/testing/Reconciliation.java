package dev.walletworker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.walletworker.stripe.emulator.Charge;
import dev.walletworker.stripe.emulator.StripeEmulator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the process tests check once the daemons are done: the emulator's charges against the
 * ledger's credits and the attempts, and the mail server's deliveries against the outbox.
 */
public final class Reconciliation {

  private Reconciliation() {}

  /**
   * Every charge at Stripe is credited exactly once, to its account, for its amount; and every
   * top-up credit is a charge (by count, by sum, and by PaymentIntent id).
   */
  public static void assertReconciled(StripeEmulator stripe, JdbcClient jdbc) {
    List<Charge> charges = stripe.charges();
    long charged = charges.stream().mapToLong(Charge::amount).sum();
    List<Map<String, Object>> credits =
        jdbc.sql(
                "SELECT reference, account_id, amount FROM wallet_transactions WHERE type = 'topup'")
            .query()
            .listOfRows();
    BigDecimal credited =
        credits.stream()
            .map(row -> (BigDecimal) row.get("amount"))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(credited.movePointRight(2).longValueExact())
        .as("cents credited as top-ups vs cents charged at Stripe")
        .isEqualTo(charged);
    assertThat(credits.stream().map(row -> (String) row.get("reference")).toList())
        .as("top-up credits (by reference) vs PaymentIntents charged")
        .containsExactlyInAnyOrderElementsOf(charges.stream().map(Charge::paymentIntent).toList());
    Map<String, Map<String, Object>> byReference =
        credits.stream()
            .collect(Collectors.toMap(row -> (String) row.get("reference"), Function.identity()));
    for (Charge charge : charges) {
      Map<String, Object> credit = byReference.get(charge.paymentIntent());
      assertThat(((BigDecimal) credit.get("amount")).movePointRight(2).longValueExact())
          .as("credit for %s", charge.paymentIntent())
          .isEqualTo(charge.amount());
      if (charge.metadata().containsKey("account_id")) {
        assertThat(credit.get("account_id"))
            .as("account credited for %s", charge.paymentIntent())
            .isEqualTo(charge.metadata().get("account_id"));
      }
    }
  }

  /** {@link #assertReconciled}, returning the line benchmarks print. */
  public static String reconciled(StripeEmulator stripe, JdbcClient jdbc) {
    assertReconciled(stripe, jdbc);
    long cents = stripe.charges().stream().mapToLong(Charge::amount).sum();
    BigDecimal amount = BigDecimal.valueOf(cents).movePointLeft(2);
    return String.format(
        "reconciled: %d charges, $%s charged = $%s credited",
        stripe.charges().size(), amount, amount);
  }

  /**
   * No attempt was charged twice: each charge names a distinct attempt, that attempt succeeded with
   * that PaymentIntent for that amount and account, and each succeeded attempt has its charge.
   */
  public static void assertOneChargePerAttempt(StripeEmulator stripe, JdbcClient jdbc) {
    List<Charge> charges = stripe.charges();
    Map<String, Long> chargesPerAttempt =
        charges.stream()
            .collect(
                Collectors.groupingBy(c -> c.metadata().get("attempt_id"), Collectors.counting()));
    assertThat(chargesPerAttempt)
        .as("charges per attempt")
        .allSatisfy((attempt, count) -> assertThat(count).as(attempt).isEqualTo(1));
    Map<String, Map<String, Object>> succeeded =
        jdbc
            .sql(
                "SELECT id, account_id, amount, payment_intent_id, idempotency_key FROM topup_attempts"
                    + " WHERE status = 'succeeded'")
            .query()
            .listOfRows()
            .stream()
            .collect(Collectors.toMap(row -> (String) row.get("id"), Function.identity()));
    assertThat(succeeded.keySet())
        .as("succeeded attempts vs attempts charged")
        .containsExactlyInAnyOrderElementsOf(chargesPerAttempt.keySet());
    for (Charge charge : charges) {
      Map<String, Object> attempt = succeeded.get(charge.metadata().get("attempt_id"));
      assertThat(attempt.get("payment_intent_id")).isEqualTo(charge.paymentIntent());
      assertThat(attempt.get("account_id")).isEqualTo(charge.metadata().get("account_id"));
      assertThat(((BigDecimal) attempt.get("amount")).movePointRight(2).longValueExact())
          .isEqualTo(charge.amount());
    }
    assertThat(succeeded.values().stream().map(a -> a.get("idempotency_key")).distinct())
        .as("one idempotency key per charged attempt")
        .hasSize(succeeded.size());
  }

  /** No attempt is still waiting for an answer (pending) or for the owner (requires_action). */
  public static void assertNoAttemptUnresolved(JdbcClient jdbc) {
    assertThat(
            jdbc.sql(
                    "SELECT id || ' ' || status || ' requests=' || requests FROM topup_attempts"
                        + " WHERE status IN ('pending', 'requires_action')")
                .query(String.class)
                .list())
        .as("unresolved attempts")
        .isEmpty();
  }

  /** What the mail server received, against the outbox. */
  public record Mail(int outbox, int delivered, int distinct, int repeated) {}

  /** Counts only, for figures printed before anything is asserted. */
  public static Mail mail(GreenMail smtp, JdbcClient jdbc) {
    int outbox = jdbc.sql("SELECT count(*) FROM mail_outbox").query(Integer.class).single();
    MimeMessage[] received = smtp.getReceivedMessages();
    long distinct = Arrays.stream(received).map(m -> header(m, "Message-ID")).distinct().count();
    return new Mail(outbox, received.length, (int) distinct, received.length - (int) distinct);
  }

  /**
   * Every outbox row is sent and reached the server under its own Message-ID (per recipient and
   * kind, as many distinct Message-IDs as outbox rows). Returns the counts: a repeated Message-ID
   * can only come from a dispatcher killed between the server's acceptance and its "sent" mark,
   * which the caller bounds.
   */
  public static Mail assertEachEmailDeliveredOnce(GreenMail smtp, JdbcClient jdbc) {
    assertThat(
            jdbc.sql("SELECT status || '=' || count(*) FROM mail_outbox GROUP BY status")
                .query(String.class)
                .list())
        .as("outbox by status")
        .allMatch(s -> s.startsWith("sent="));
    Map<String, Long> outbox =
        jdbc
            .sql(
                "SELECT recipient || ' ' || kind AS key, count(*) AS n FROM mail_outbox GROUP BY 1")
            .query()
            .listOfRows()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> (String) row.get("key"), row -> ((Number) row.get("n")).longValue()));
    Map<String, String> idToKey = new HashMap<>();
    for (MimeMessage message : smtp.getReceivedMessages()) {
      String id = header(message, "Message-ID");
      String key = recipient(message) + " " + header(message, "X-Wallet-Email-Kind");
      String before = idToKey.putIfAbsent(id, key);
      assertThat(before == null || before.equals(key))
          .as("Message-ID %s names one recipient and kind", id)
          .isTrue();
    }
    Map<String, Long> delivered =
        idToKey.values().stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(delivered).as("distinct Message-IDs per recipient and kind").isEqualTo(outbox);
    return mail(smtp, jdbc);
  }

  private static String header(MimeMessage message, String name) {
    try {
      String[] values = message.getHeader(name);
      return values == null ? null : values[0];
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String recipient(MimeMessage message) {
    try {
      return ((InternetAddress) message.getRecipients(Message.RecipientType.TO)[0]).getAddress();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
