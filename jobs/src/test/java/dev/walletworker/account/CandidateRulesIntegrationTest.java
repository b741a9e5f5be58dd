package dev.walletworker.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Each candidate rule of the jobs is written once in {@link Wallets} and once more as the predicate
 * of the partial index that serves it (a migration). They must select the same wallets, or a scan
 * would read the whole table or miss wallets: checked over every combination of the columns they
 * read.
 */
class CandidateRulesIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void eachRuleSelectsExactlyTheWalletsItsIndexHolds() {
    JdbcClient sql = db.jdbc();
    // Bit by bit: auto top-up on, balance (5, 10 or 20 around thresholds of 10), customer, card,
    // alert on, alert sent, limit on, spend (0, 79.99, 80 or 100 of a limit of 100), held (0 or 15:
    // the thresholds act on the available balance, balance - held, so 20 with 15 held is below 10).
    sql.sql(
            "INSERT INTO accounts (id, email, created_at)"
                + " SELECT 'acct_' || lpad(n::text, 16, '0'), 'a@example.com', now()"
                + " FROM generate_series(0, 2047) n")
        .update();
    sql.sql(
            "INSERT INTO wallets (account_id, balance, auto_topup_enabled, auto_topup_threshold,"
                + " auto_topup_amount, stripe_customer_id, stripe_payment_method_id,"
                + " low_balance_alert_enabled, low_balance_alert_threshold, low_balance_alerted_at,"
                + " spending_limit_enabled, spending_limit_monthly, spend_month_to_date, held,"
                + " updated_at)"
                + " SELECT 'acct_' || lpad(n::text, 16, '0'),"
                + " (ARRAY[5, 10, 20, 20])[((n >> 1) & 3) + 1], (n & 1) = 1, 10, 20,"
                + " CASE WHEN (n & 8) = 8 THEN 'cus_a' END, CASE WHEN (n & 16) = 16 THEN 'pm_a' END,"
                + " (n & 32) = 32, 10, CASE WHEN (n & 64) = 64 THEN now() END,"
                + " (n & 128) = 128, 100, (ARRAY[0, 79.99, 80, 100])[((n >> 8) & 3) + 1],"
                + " CASE WHEN (n & 1024) = 1024 THEN 15 ELSE 0 END, now()"
                + " FROM generate_series(0, 2047) n")
        .update();

    assertSameWallets("wallets_auto_topup_candidates", Wallets.AUTO_TOPUP_CANDIDATE);
    assertSameWallets("wallets_low_balance_candidates", Wallets.LOW_BALANCE_CANDIDATE);
    assertSameWallets("wallets_budget_candidates", Wallets.BUDGET_CANDIDATE);
  }

  @Test
  void theThresholdRulesActOnTheAvailableBalance() {
    JdbcClient sql = db.jdbc();
    sql.sql(
            "INSERT INTO accounts (id, email, created_at) VALUES ('acct_0000000000000001',"
                + " 'a@example.com', now())")
        .update();
    // 20 is above both thresholds of 10; 15 of it is held, so 5 is available.
    sql.sql(
            "INSERT INTO wallets (account_id, balance, held, auto_topup_enabled,"
                + " auto_topup_threshold, auto_topup_amount, stripe_customer_id,"
                + " stripe_payment_method_id, low_balance_alert_enabled,"
                + " low_balance_alert_threshold, updated_at)"
                + " VALUES ('acct_0000000000000001', 20, 15, true, 10, 20, 'cus_a', 'pm_a', true,"
                + " 10, now())")
        .update();

    for (String rule : List.of(Wallets.AUTO_TOPUP_CANDIDATE, Wallets.LOW_BALANCE_CANDIDATE)) {
      assertThat(sql.sql("SELECT count(*) FROM wallets w WHERE " + rule).query(Long.class).single())
          .as(rule)
          .isEqualTo(1);
    }
  }

  private static void assertSameWallets(String index, String rule) {
    JdbcClient sql = db.jdbc();
    String predicate =
        sql.sql(
                "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i"
                    + " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?")
            .param(index)
            .query(String.class)
            .single();
    List<String> byIndex =
        sql.sql("SELECT account_id FROM wallets WHERE " + predicate + " ORDER BY 1")
            .query(String.class)
            .list();
    List<String> byRule =
        sql.sql("SELECT w.account_id FROM wallets w WHERE " + rule + " ORDER BY 1")
            .query(String.class)
            .list();
    assertThat(byRule).as(index + ": some wallets, not all").isNotEmpty().hasSizeLessThan(2048);
    assertThat(byRule).as(index + " (" + predicate + ") and the rule " + rule).isEqualTo(byIndex);
  }
}
