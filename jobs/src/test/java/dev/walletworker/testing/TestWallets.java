package dev.walletworker.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One account and its wallet, inserted as a test needs it: a row written straight into the tables
 * (no settings change, so no wake-up trigger fires: "already below the threshold" before any job
 * runs). The only test code that inserts accounts and wallets row by row.
 *
 * <pre>
 * String id = TestWallets.wallet("acct_aaaaaaaaaaaaaaaa").balance("1").lowBalanceAlert("5").insert(db.jdbc());
 * </pre>
 */
public final class TestWallets {

  private final String accountId;
  private String email;
  private BigDecimal balance = BigDecimal.ZERO;
  private final List<String> columns = new ArrayList<>();
  private final List<Object> values = new ArrayList<>();

  private TestWallets(String accountId) {
    this.accountId = accountId;
    this.email = accountId + "@example.com";
  }

  /**
   * An active account {@code acct_…} with an empty wallet in USD, email {@code <id>@example.com}.
   */
  public static TestWallets wallet(String accountId) {
    return new TestWallets(accountId);
  }

  /** The {@code n}th account id of a test: {@code acct_} and {@code n} on 16 digits. */
  public static String accountId(long n) {
    return String.format("acct_%016d", n);
  }

  public TestWallets email(String address) {
    this.email = address;
    return this;
  }

  public TestWallets balance(Object amount) {
    this.balance = new BigDecimal(amount.toString());
    return this;
  }

  /** The low-balance alert on, armed, at {@code threshold}. */
  public TestWallets lowBalanceAlert(Object threshold) {
    return set("low_balance_alert_enabled", true)
        .set("low_balance_alert_threshold", new BigDecimal(threshold.toString()));
  }

  /** Auto top-up on, with a customer and card at Stripe. */
  public TestWallets autoTopUp(
      Object threshold, Object amount, String customerId, String paymentMethodId) {
    return set("auto_topup_enabled", true)
        .set("auto_topup_threshold", new BigDecimal(threshold.toString()))
        .set("auto_topup_amount", new BigDecimal(amount.toString()))
        .set("stripe_customer_id", customerId)
        .set("stripe_payment_method_id", paymentMethodId);
  }

  /** A monthly spending limit, action block. */
  public TestWallets spendingLimit(Object monthly) {
    return set("spending_limit_enabled", true)
        .set("spending_limit_monthly", new BigDecimal(monthly.toString()));
  }

  private TestWallets set(String column, Object value) {
    columns.add(column);
    values.add(value);
    return this;
  }

  /** Inserts the account and its wallet; returns the account id. */
  public String insert(JdbcClient jdbc) {
    jdbc.sql("INSERT INTO accounts (id, email, created_at) VALUES (?, ?, now())")
        .params(accountId, email)
        .update();
    List<Object> params = new ArrayList<>(List.of(accountId, balance));
    params.addAll(values);
    String extra = columns.isEmpty() ? "" : ", " + String.join(", ", columns);
    String marks = ", ?".repeat(columns.size());
    jdbc.sql(
            "INSERT INTO wallets (account_id, balance"
                + extra
                + ", updated_at) VALUES (?, ?"
                + marks
                + ", now())")
        .params(params)
        .update();
    return accountId;
  }
}
