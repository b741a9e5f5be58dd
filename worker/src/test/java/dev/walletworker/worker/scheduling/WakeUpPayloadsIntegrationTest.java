package dev.walletworker.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wake-up triggers notify the daemon with a job's name; the listener runs the job of that name.
 * A payload that names no registered job would be dropped without a word, so every payload in the
 * functions the migrations installed must be one of {@link WalletJobs#NAMES}.
 */
class WakeUpPayloadsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final Pattern NOTIFY =
      Pattern.compile("pg_notify\\(\\s*'wallet_wakeup'\\s*,\\s*'([^']*)'\\s*\\)");

  @Test
  void everyWakeUpPayloadNamesARegisteredJob() {
    Set<String> payloads = new TreeSet<>();
    for (String body :
        db.jdbc()
            .sql(
                "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'public' AND p.prosrc LIKE '%pg_notify%'")
            .query(String.class)
            .list()) {
      Matcher m = NOTIFY.matcher(body);
      while (m.find()) {
        payloads.add(m.group(1));
      }
    }

    assertThat(payloads)
        .as("the wake-ups the triggers send")
        .containsExactlyInAnyOrder(
            "auto-topup",
            "budget-enforcement",
            "hold-expiry",
            "low-balance-alerts",
            "mail-dispatch");
    assertThat(WalletJobs.NAMES).containsAll(payloads);
  }
}
