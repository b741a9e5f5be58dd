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
import java.util.ArrayList;
import java.util.List;

/**
 * What a metering API test starts from: an account ({@code owner@example.com}) with 10.00, one
 * model's price in force since 2026, and a service key for the gateway.
 *
 * @param serviceKey the key itself ({@code wsk_…}), as the gateway sends it
 */
public record TestMetering(String account, String serviceKey) {

  /**
   * {@code count} accounts ({@code <prefix><n>@example.com}), each credited {@code opening} through
   * the ledger, so that a test can reconcile balances against ledger rows; their ids in order.
   */
  public static List<String> fundedAccounts(
      Database db, Clock clock, int count, String emailPrefix, BigDecimal opening) {
    Accounts accounts = new Accounts(db, clock);
    Ledger ledger = new Ledger(db, clock);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = accounts.create(emailPrefix + i + "@example.com", "Owner", null).account().id();
      ledger.credit(id, opening, TransactionType.REFUND, "opening", null);
      ids.add(id);
    }
    return ids;
  }

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
