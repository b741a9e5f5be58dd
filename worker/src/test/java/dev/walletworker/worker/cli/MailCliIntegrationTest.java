package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.mail.MailKind;
import dev.walletworker.testing.TestDatabase;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class MailCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private String account;

  @BeforeEach
  void givenAFailedAndASentMessage() {
    account =
        cli.json("accounts", "create", "--email", "owner@example.com", "--json")
            .get("id")
            .asString();
    insert("failed", "low_balance:" + account + ":1", "after 12 attempts: smtp server unreachable");
    insert("sent", "low_balance:" + account + ":2", null);
  }

  @Test
  void listFiltersByStatusAndShowsTheError() {
    JsonNode failed = cli.json("mail", "list", "--status", "failed", "--json");

    assertThat(failed.get("messages")).hasSize(1);
    JsonNode message = failed.get("messages").get(0);
    assertThat(message.get("status").asString()).isEqualTo("failed");
    assertThat(message.get("kind").asString()).isEqualTo("low_balance");
    assertThat(message.get("account").asString()).isEqualTo(account);
    assertThat(message.get("last_error").asString()).contains("smtp server unreachable");
    assertThat(cli.json("mail", "list", "--json").get("messages")).hasSize(2);
    assertThat(
            cli.json("mail", "list", "--account", account, "--status", "sent", "--json")
                .get("messages"))
        .hasSize(1);
  }

  @Test
  void retryPutsAFailedMessageBackInTheQueue() {
    long id =
        cli.json("mail", "list", "--status", "failed", "--json")
            .get("messages")
            .get(0)
            .get("id")
            .asLong();

    JsonNode retried = cli.json("mail", "retry", Long.toString(id), "--json");

    assertThat(retried.get("status").asString()).isEqualTo("pending");
    assertThat(retried.get("attempts").asInt()).isZero();
    assertThat(retried.get("last_error").isNull()).isTrue();
    assertThat(cli.json("mail", "list", "--status", "failed", "--json").get("messages")).isEmpty();
  }

  @Test
  void retryRefusesWhatIsNotFailedAndChangesNothing() {
    long sent =
        cli.json("mail", "list", "--status", "sent", "--json")
            .get("messages")
            .get(0)
            .get("id")
            .asLong();
    String before = outbox();

    Cli.Result notFailed = cli.run("mail", "retry", Long.toString(sent));
    Cli.Result unknown = cli.run("mail", "retry", "999999");
    Cli.Result notANumber = cli.run("mail", "retry", "abc");
    Cli.Result badStatus = cli.run("mail", "list", "--status", "lost");

    assertThat(notFailed.code()).isEqualTo(1);
    assertThat(notFailed.err()).contains("is sent; only failed messages can be retried");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no mail message 999999");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(badStatus.code()).isEqualTo(2);
    assertThat(outbox()).isEqualTo(before);
  }

  @Test
  void previewWritesAnEmlAndAnHtmlForEveryKind(@TempDir Path out) throws Exception {
    JsonNode result = cli.json("mail", "preview", "all", "--out", out.toString(), "--json");

    assertThat(result.get("files")).hasSize(2 * MailKind.values().length);
    for (MailKind kind : MailKind.values()) {
      Path eml = out.resolve(kind.code() + ".eml");
      try (InputStream in = Files.newInputStream(eml)) {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
        assertThat(message.getSubject()).isNotBlank();
        assertThat(((MimeMultipart) message.getContent()).getCount()).isEqualTo(2);
      }
      assertThat(Files.readString(out.resolve(kind.code() + ".html")))
          .contains("<html", "Ada Lovelace");
    }
    assertThat(cli.run("mail", "preview", "no_such_kind").err())
        .contains("unknown mail kind 'no_such_kind'");
  }

  private void insert(String status, String key, String error) {
    db.jdbc()
        .sql(
            "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload, status, attempts,"
                + " next_attempt_at, last_error, created_at, sent_at)"
                + " VALUES (?, 'low_balance', ?, 'owner@example.com', '{}', ?, 12, now(), ?, now(),"
                + " CASE WHEN ? = 'sent' THEN now() END)")
        .params(key, account, status, error, status)
        .update();
  }

  private String outbox() {
    return db.jdbc()
        .sql("SELECT string_agg(t::text, '|' ORDER BY id) FROM mail_outbox t")
        .query(String.class)
        .single();
  }
}
