package dev.walletworker.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lookup of a usage group's references probes the ledger's index in every plan PostgreSQL may
 * cache for it, the one made while the ledger looked empty included: the join it replaced was
 * planned, on an empty ledger, as a scan of the whole table, and kept that plan while the ledger
 * grew.
 */
class KnownReferencesPlanIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void aPlanMadeOnAnEmptyLedgerNeverScansIt() throws Exception {
    assertThat(genericPlan(Ledger.KNOWN_REFERENCES))
        .noneMatch(line -> line.contains("Seq Scan on wallet_transactions"))
        .anyMatch(line -> line.contains("Index Scan"));
  }

  @Test
  void theJoinItReplacedDidScanIt() throws Exception {
    // What the check above guards against: the same lookup as a plain join.
    assertThat(
            genericPlan(
                "SELECT t.* FROM wallet_transactions t"
                    + " JOIN unnest(?::text[], ?::text[]) AS r(account_id, reference)"
                    + " ON t.account_id = r.account_id AND t.reference = r.reference"))
        .anyMatch(line -> line.contains("Seq Scan on wallet_transactions"));
  }

  /** The plan PostgreSQL caches for {@code sql} as a prepared statement, on an empty ledger. */
  private static List<String> genericPlan(String sql) throws Exception {
    String numbered = sql.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2");
    List<String> plan = new ArrayList<>();
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET plan_cache_mode = force_generic_plan");
      statement.execute("PREPARE known AS " + numbered);
      try (ResultSet rs =
          statement.executeQuery("EXPLAIN EXECUTE known('{acct_1,acct_2}', '{r1,r2}')")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      } finally {
        statement.execute("DEALLOCATE known");
        statement.execute("RESET plan_cache_mode");
      }
    }
    return plan;
  }
}
