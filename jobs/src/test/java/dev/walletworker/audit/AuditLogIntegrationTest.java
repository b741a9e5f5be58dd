package dev.walletworker.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.WalletException;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditLogIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final AuditLog audit = new AuditLog(db.database(), clock);

  private AuditLog.Entry record(String operator, AuditAction action, String account) {
    return db.database()
        .inTransaction(
            () ->
                audit.record(
                    new AuditLog.Change(
                        operator,
                        action,
                        "account",
                        account,
                        account,
                        "fraud report #12",
                        Map.of("status", "active"),
                        Map.of("status", "blocked", "balance", new BigDecimal("10.50")),
                        "txn_1")));
  }

  @Test
  void aRecordedActionReadsBackWithEveryField() {
    AuditLog.Entry entry = record("ada", AuditAction.ACCOUNT_BLOCK, "acct_1");

    assertThat(entry.at()).isEqualTo(clock.instant());
    assertThat(entry.operator()).isEqualTo("ada");
    assertThat(entry.action()).isEqualTo(AuditAction.ACCOUNT_BLOCK);
    assertThat(entry.targetKind()).isEqualTo("account");
    assertThat(entry.targetId()).isEqualTo("acct_1");
    assertThat(entry.accountId()).isEqualTo("acct_1");
    assertThat(entry.reason()).isEqualTo("fraud report #12");
    assertThat(entry.before()).isEqualTo(Map.of("status", "active"));
    assertThat(entry.after()).containsEntry("status", "blocked");
    assertThat(entry.after().get("balance")).isEqualTo(new BigDecimal("10.50"));
    assertThat(entry.refersTo()).isEqualTo("txn_1");
  }

  @Test
  void recordingOutsideATransactionIsRefusedAndWritesNothing() {
    assertThatThrownBy(
            () ->
                audit.record(
                    new AuditLog.Change(
                        "ada", AuditAction.JOB_PAUSE, "job", "x", null, null, null, null, null)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(count()).isZero();
  }

  @Test
  void aRowRollsBackWithItsAction() {
    assertThatThrownBy(
            () ->
                db.database()
                    .inTransaction(
                        () -> {
                          record("ada", AuditAction.ACCOUNT_UNBLOCK, "acct_1");
                          throw new IllegalStateException("the action failed");
                        }))
        .hasMessage("the action failed");
    assertThat(count()).isZero();
  }

  @Test
  void aBlankOperatorIsRefused() {
    assertThatThrownBy(() -> record(" ", AuditAction.ACCOUNT_BLOCK, "acct_1"))
        .isInstanceOf(WalletException.class)
        .hasMessageContaining("operator");
    assertThat(count()).isZero();
  }

  @Test
  void rowsCannotBeUpdatedDeletedNorTruncated() {
    AuditLog.Entry entry = record("ada", AuditAction.ACCOUNT_BLOCK, "acct_1");

    assertThatThrownBy(
            () ->
                db.jdbc()
                    .sql("UPDATE audit_log SET operator = 'mallory' WHERE id = ?")
                    .param(entry.id())
                    .update())
        .hasMessageContaining("audit_log is append-only: update of row " + entry.id());
    assertThatThrownBy(() -> db.jdbc().sql("DELETE FROM audit_log").update())
        .hasMessageContaining("audit_log is append-only: delete of row " + entry.id());
    assertThatThrownBy(() -> db.jdbc().sql("TRUNCATE audit_log").update())
        .hasMessageContaining("audit_log is append-only: truncate refused");
    assertThat(audit.list(null, null, null, 10)).containsExactly(entry);
  }

  @Test
  void listFiltersByAccountOperatorAndActionNewestFirst() {
    AuditLog.Entry a = record("ada", AuditAction.ACCOUNT_BLOCK, "acct_1");
    AuditLog.Entry b = record("bob", AuditAction.ACCOUNT_BLOCK, "acct_2");
    AuditLog.Entry c = record("ada", AuditAction.ACCOUNT_UNBLOCK, "acct_1");

    assertThat(audit.list(null, null, null, 10)).containsExactly(c, b, a);
    assertThat(audit.list("acct_1", null, null, 10)).containsExactly(c, a);
    assertThat(audit.list(null, "bob", null, 10)).containsExactly(b);
    assertThat(audit.list(null, null, AuditAction.ACCOUNT_BLOCK, 10)).containsExactly(b, a);
    assertThat(audit.list("acct_1", "ada", AuditAction.ACCOUNT_BLOCK, 10)).containsExactly(a);
    assertThat(audit.list(null, null, null, 2)).containsExactly(c, b);
    assertThatThrownBy(() -> audit.list(null, null, null, 0)).isInstanceOf(WalletException.class);
  }

  private long count() {
    return db.jdbc().sql("SELECT count(*) FROM audit_log").query(Long.class).single();
  }
}
