package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.ops.OpsPasswords;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bin/worker ops-users}: passwords shown once and stored only as hashes; audited. */
class OpsUsersCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private final OpsUsers users = new OpsUsers(db.database(), Clock.systemUTC());
  private final AuditLog audit = new AuditLog(db.database(), Clock.systemUTC());

  @Test
  void addShowsAGeneratedPasswordOnceAndStoresOnlyItsHash() {
    Cli.Result added = cli.run("ops-users", "add", "grace", "--json", "--operator", "ada");

    assertThat(added.code()).as(added.err()).isZero();
    String password = added.json().get("password").asString();
    assertThat(password).hasSizeGreaterThanOrEqualTo(OpsPasswords.MIN_LENGTH);
    String hash = users.find("grace").orElseThrow().passwordHash();
    assertThat(hash).startsWith("{bcrypt}").doesNotContain(password);
    assertThat(OpsPasswords.encoder().matches(password, hash)).isTrue();
    assertThat(OpsPasswords.encoder().matches(password + "x", hash)).isFalse();

    Cli.Result list = cli.run("ops-users", "list");
    assertThat(list.out()).contains("grace").doesNotContain(password).doesNotContain("bcrypt");
    AuditLog.Entry row = audit.list(null, "ada", AuditAction.OPS_USER_ADD, 10).get(0);
    assertThat(row.targetId()).isEqualTo("grace");
    assertThat(String.valueOf(row.after())).doesNotContain(password);
  }

  @Test
  void aPasswordGivenOnStdinIsUsedAndNeverPrinted() {
    Cli.Result added =
        withStdin(
            "a long enough secret\n",
            () -> cli.run("ops-users", "add", "linus", "--password-stdin"));

    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).contains("linus").doesNotContain("a long enough secret");
    assertThat(
            OpsPasswords.encoder()
                .matches("a long enough secret", users.find("linus").orElseThrow().passwordHash()))
        .isTrue();

    Cli.Result tooShort =
        withStdin("short\n", () -> cli.run("ops-users", "add", "ken", "--password-stdin"));
    assertThat(tooShort.code()).isEqualTo(1);
    assertThat(tooShort.err()).contains("at least 12 characters").doesNotContain("short\n");
    assertThat(users.find("ken")).isEmpty();
  }

  @Test
  void aTakenNameIsRefusedAndRemoveEndsTheUser() {
    assertThat(cli.run("ops-users", "add", "grace").code()).isZero();

    Cli.Result again = cli.run("ops-users", "add", "grace");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("exists already");

    Cli.Result removed = cli.run("ops-users", "remove", "grace", "--operator", "ada");
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(users.find("grace")).isEmpty();
    assertThat(audit.list(null, "ada", AuditAction.OPS_USER_REMOVE, 10)).hasSize(1);
    Cli.Result gone = cli.run("ops-users", "remove", "grace");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("no ops user named 'grace'");
  }

  private static Cli.Result withStdin(String text, java.util.function.Supplier<Cli.Result> run) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    try {
      return run.get();
    } finally {
      System.setIn(original);
    }
  }
}
