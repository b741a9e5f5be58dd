package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** What ops see of top-ups that need a person: the payment reviews, and closing one. */
class TopUpsCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private String account;
  private String attempt;

  @BeforeEach
  void givenAnAutoTopUpChargedInYenAndHeldForReview() {
    account =
        cli.json("accounts", "create", "--email", "owner@example.com", "--json")
            .get("id")
            .asString();
    attempt = "tpa_aaaaaaaaaaaaaaaaaaaaaaaa";
    db.jdbc()
        .sql(
            "INSERT INTO topup_attempts (id, account_id, status, amount, currency, stripe_customer_id,"
                + " payment_method_id, idempotency_key, payment_intent_id, next_try_at, created_at,"
                + " updated_at) VALUES (?, ?, 'needs_review', 25, 'USD', 'cus_1', 'pm_card_visa',"
                + " 'topup-1', 'pi_yen', now(), now(), now())")
        .params(attempt, account)
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO payment_reviews (reason, stripe_object_id, account_id, attempt_id,"
                + " paid_minor, paid_currency, expected_amount, expected_currency, message,"
                + " created_at) VALUES ('currency_mismatch', 'pi_yen', ?, ?, 2500, 'JPY', 25, 'USD',"
                + " 'charged 2500 JPY for an auto top-up of 25.00 USD', now())")
        .params(account, attempt)
        .update();
  }

  @Test
  void reviewsListsWhatWaitsForAPersonAndResolveClosesIt() {
    JsonNode open = cli.json("topups", "reviews", "--json").get("reviews");
    assertThat(open).hasSize(1);
    JsonNode review = open.get(0);
    assertThat(review.get("reason").asString()).isEqualTo("currency_mismatch");
    assertThat(review.get("paid_currency").asString()).isEqualTo("JPY");
    assertThat(review.get("paid_amount").decimalValue()).isEqualByComparingTo("2500");
    assertThat(review.get("expected_amount").decimalValue()).isEqualByComparingTo("25.00");
    assertThat(cli.run("topups", "reviews").out())
        .contains("currency_mismatch", "pi_yen", account, "topups resolve " + review.get("id"));
    assertThat(cli.json("topups", "list", "--status", "needs_review", "--json").get("attempts"))
        .hasSize(1);

    Cli.Result resolved =
        cli.run("topups", "resolve", review.get("id").toString(), "--note", "refunded at Stripe");

    assertThat(resolved.code()).as(resolved.err()).isZero();
    assertThat(cli.run("topups", "reviews").out()).contains("no open payment reviews");
    JsonNode closed = cli.json("topups", "reviews", "--all", "--json").get("reviews").get(0);
    assertThat(closed.get("resolution").asString()).isEqualTo("refunded at Stripe");
    assertThat(cli.json("topups", "list", "--json").get("attempts").get(0).get("status").asString())
        .isEqualTo("failed");

    Cli.Result again = cli.run("topups", "resolve", review.get("id").toString(), "--note", "twice");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already resolved");
  }

  @Test
  void aResolutionNeedsANoteAndAnExistingReview() {
    assertThat(cli.run("topups", "resolve", "1").code()).isEqualTo(2);
    assertThat(cli.run("topups", "resolve", "999", "--note", "x").err())
        .contains("no payment review 999");
    assertThat(cli.run("topups", "list", "--status", "weird").err()).contains("needs_review");
  }
}
