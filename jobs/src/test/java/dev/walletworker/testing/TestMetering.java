package dev.walletworker.testing;

import dev.walletworker.account.Accounts;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;

/**
 * What a metering API test starts from: an account ({@code owner@example.com}) with 10.00, one
 * model's price in force since 2026, and a service key for the gateway.
 *
 * @param serviceKey the key itself ({@code wsk_…}), as the gateway sends it
 */
public record TestMetering(String account, String serviceKey) {

  /** Prices are per million tokens in and out. */
  public static TestMetering given(
      Database db, Clock clock, String model, String inputPerMtok, String outputPerMtok) {
    String account =
        new Accounts(db, clock).create("owner@example.com", "Ada", null).account().id();
    new Ledger(db, clock)
        .credit(account, new BigDecimal("10.00"), TransactionType.REFUND, "opening", null);
    new ModelPrices(db, clock)
        .set(
            model,
            new BigDecimal(inputPerMtok),
            new BigDecimal(outputPerMtok),
            null,
            Instant.parse("2026-01-01T00:00:00Z"));
    return new TestMetering(account, new ServiceKeys(db, clock).create("gateway-test").key());
  }
}
