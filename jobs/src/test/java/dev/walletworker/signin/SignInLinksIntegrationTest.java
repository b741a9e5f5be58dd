package dev.walletworker.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sign-in links against the database, with time moved by the test's clock. */
class SignInLinksIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final SignInLinks links =
      new SignInLinks(
          db.database(),
          new MailOutbox(db.database(), clock),
          clock,
          Duration.ofMinutes(15),
          3,
          Duration.ofMinutes(15));
  private String ada;

  @BeforeEach
  void givenAnAccount() {
    ada = accounts.create("Ada@Example.com", "Ada", null).account().id();
  }

  @Test
  void aLinkSignsInOnceWithinItsLifetime() {
    assertThat(accounts.idsByEmail("ada@example.COM")).containsExactly(ada);
    links.request("ada@example.com", List.of(ada), "https://x/link?token=");
    String token = lastToken();

    clock.advance(Duration.ofMinutes(14));
    assertThat(links.use(token)).contains(ada);
    assertThat(links.use(token)).isEmpty();
  }

  @Test
  void anExpiredLinkIsRefused() {
    links.request("ada@example.com", List.of(ada), "https://x/link?token=");
    String token = lastToken();

    clock.advance(Duration.ofMinutes(15));

    assertThat(links.use(token)).isEmpty();
  }

  @Test
  void onlyAHashOfTheTokenIsStoredInItsTable() {
    links.request("ada@example.com", List.of(ada), "https://x/link?token=");
    String token = lastToken();

    String rows =
        db.jdbc()
            .sql("SELECT string_agg(t::text, '|') FROM sign_in_links t")
            .query(String.class)
            .single();
    assertThat(rows).doesNotContain(token).doesNotContain("Example.com").contains(ada);
  }

  @Test
  void anAddressMayAskAFewTimesPerWindowKnownOrNot() {
    for (int i = 0; i < 3; i++) {
      assertThat(links.request("ADA@example.com", List.of(ada), "l?token="))
          .isEqualTo(SignInLinks.Requested.ACCEPTED);
      assertThat(links.request("ghost@example.com", List.of(), "l?token="))
          .isEqualTo(SignInLinks.Requested.ACCEPTED);
    }
    assertThat(links.request("ada@example.com", List.of(ada), "l?token="))
        .isEqualTo(SignInLinks.Requested.RATE_LIMITED);
    assertThat(links.request("ghost@example.com", List.of(), "l?token="))
        .isEqualTo(SignInLinks.Requested.RATE_LIMITED);
    assertThat(mails()).isEqualTo(3);

    clock.advance(Duration.ofMinutes(16));

    assertThat(links.request("ada@example.com", List.of(ada), "l?token="))
        .isEqualTo(SignInLinks.Requested.ACCEPTED);
    assertThat(mails()).isEqualTo(4);
    // What no longer counts was deleted as the address asked again.
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM sign_in_links WHERE account_id IS NOT NULL")
                .query(Integer.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aTokenOfTheWrongShapeIsRefusedWithoutAQuery() {
    assertThat(links.use(null)).isEmpty();
    assertThat(links.use("short")).isEmpty();
    assertThat(links.use("x".repeat(42) + "'")).isEmpty();
  }

  private int mails() {
    return db.jdbc()
        .sql("SELECT count(*) FROM mail_outbox WHERE kind = 'sign_in_link'")
        .query(Integer.class)
        .single();
  }

  private String lastToken() {
    String payload =
        db.jdbc()
            .sql("SELECT payload::text FROM mail_outbox ORDER BY id DESC LIMIT 1")
            .query(String.class)
            .single();
    Matcher m = TOKEN.matcher(payload);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
