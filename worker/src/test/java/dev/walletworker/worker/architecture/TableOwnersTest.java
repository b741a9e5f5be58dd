package dev.walletworker.worker.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per table: only a table's data-access class writes SQL that changes it, and only the
 * few classes named here read it in a statement of their own (a join or an INSERT … SELECT that
 * must stay one statement). Checked over the main sources of {@code jobs/} and {@code worker/}.
 */
class TableOwnersTest {

  /** Table → the classes whose SQL may change it. */
  private static final Map<String, Set<String>> WRITERS =
      Map.ofEntries(
          // Ledger moves balances with their ledger rows, in one statement on the hot path.
          Map.entry("wallets", Set.of("Wallets", "Ledger")),
          Map.entry("accounts", Set.of("Wallets", "AccountBlocks")),
          Map.entry("wallet_transactions", Set.of("Ledger")),
          Map.entry("topup_attempts", Set.of("TopUpAttempts")),
          Map.entry("mail_outbox", Set.of("MailOutbox")),
          Map.entry("api_keys", Set.of("ApiKeys")),
          Map.entry("stripe_events", Set.of("StripeEvents")),
          Map.entry("checkout_topups", Set.of("CheckoutTopUps")),
          Map.entry("payment_reviews", Set.of("PaymentReviews")),
          Map.entry("service_keys", Set.of("ServiceKeys")),
          Map.entry("model_prices", Set.of("ModelPrices")),
          Map.entry("system_settings", Set.of("SystemSettings")),
          Map.entry("sign_in_links", Set.of("SignInLinks")),
          Map.entry("audit_log", Set.of("AuditLog")),
          // Holds: Holds alone (the held amount on the wallet is Wallets', a capture's row
          // Ledger's).
          Map.entry("holds", Set.of("Holds")),
          Map.entry("ops_users", Set.of("OpsUsers")));

  /** Table → the other classes whose SQL may read it. */
  private static final Map<String, Set<String>> READERS =
      Map.of(
          // Claiming an attempt is one INSERT … SELECT over the wallet and its account.
          "wallets", Set.of("TopUpAttempts"),
          // The recipient, display name or existence of the account, in the statement that needs
          // it.
          "accounts", Set.of("TopUpAttempts", "Ledger", "MailOutbox", "ApiKeys"),
          // The daily cap's count, a subquery of the claim and of the account view.
          "topup_attempts", Set.of("DailyTopUpCap"));

  @Test
  void eachTableIsWrittenByItsOwnerAndReadOnlyWhereNamed() throws IOException {
    Map<String, Set<String>> writes = new TreeMap<>();
    Map<String, Set<String>> reads = new TreeMap<>();
    for (Path file : sources()) {
      String code = Files.readString(file);
      String name = file.getFileName().toString().replace(".java", "");
      for (String table : WRITERS.keySet()) {
        if (Pattern.compile("(UPDATE|INSERT INTO|DELETE FROM)\\s+" + table + "\\b")
            .matcher(code)
            .find()) {
          writes.computeIfAbsent(table, t -> new TreeSet<>()).add(name);
        }
        if (Pattern.compile("(FROM|JOIN|UPDATE|INTO)\\s+" + table + "\\b").matcher(code).find()) {
          reads.computeIfAbsent(table, t -> new TreeSet<>()).add(name);
        }
      }
    }

    assertThat(writes).as("tables written").hasSizeGreaterThanOrEqualTo(10);
    writes.forEach(
        (table, classes) ->
            assertThat(WRITERS.get(table))
                .as("the classes that write " + table)
                .containsAll(classes));
    reads.forEach(
        (table, classes) -> {
          Set<String> allowed = new TreeSet<>(WRITERS.get(table));
          allowed.addAll(READERS.getOrDefault(table, Set.of()));
          assertThat(allowed).as("the classes with SQL against " + table).containsAll(classes);
        });
  }

  @Test
  void onlyAccountBlocksChangesAnAccountsStatus() throws IOException {
    Pattern statusChange = Pattern.compile("UPDATE accounts SET status");
    List<String> writers =
        sources().stream()
            .filter(
                file ->
                    read(file).contains("UPDATE accounts")
                        && statusChange.matcher(read(file)).find())
            .map(file -> file.getFileName().toString())
            .toList();
    assertThat(writers).containsExactly("AccountBlocks.java");
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> jobs = Files.walk(Path.of("..", "jobs", "src", "main", "java"));
        Stream<Path> worker = Files.walk(Path.of("src", "main", "java"))) {
      return Stream.concat(jobs, worker).filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
