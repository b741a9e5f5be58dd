package dev.walletworker.worker.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An owner signed in to the billing pages over HTTP, for suites outside this package (bad input):
 * the link is read from the outbox, as no mail is sent by an API-only node.
 */
public final class SignedIn {

  private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");

  private final BillingClient client;

  private SignedIn(BillingClient client) {
    this.client = client;
  }

  /** Signs in as the owner of the account whose address is {@code email}. */
  public static SignedIn owner(TestDatabase db, String base, String email) throws Exception {
    BillingClient client = new BillingClient(base);
    client.get("/billing/sign-in");
    assertThat(client.post("/billing/sign-in", Map.of("email", email)).statusCode()).isEqualTo(200);
    String payload =
        db.jdbc()
            .sql(
                "SELECT payload::text FROM mail_outbox WHERE kind = 'sign_in_link'"
                    + " ORDER BY id DESC LIMIT 1")
            .query(String.class)
            .single();
    Matcher token = TOKEN.matcher(payload);
    assertThat(token.find()).as(payload).isTrue();
    client.get("/billing/sign-in/link?token=" + token.group(1));
    assertThat(client.post("/billing/sign-in/link", Map.of("token", token.group(1))).statusCode())
        .isEqualTo(302);
    return new SignedIn(client);
  }

  public HttpResponse<String> get(String path) throws Exception {
    return client.get(path);
  }

  /** Posts {@code fields} with a current CSRF token, unless they bring their own {@code _csrf}. */
  public HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (!all.containsKey("_csrf")) {
      client.get("/billing/settings");
      client.csrf().ifPresent(token -> all.put("_csrf", token));
    }
    return client.postRaw(path, all);
  }
}
