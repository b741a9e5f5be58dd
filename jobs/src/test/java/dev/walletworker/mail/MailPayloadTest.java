package dev.walletworker.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every kind of email has its own payload record, and that record supplies every field the kind's
 * subject and templates use: a template key no record supplies would render empty (or not at all)
 * in a real email.
 */
class MailPayloadTest {

  /** What the renderer adds to every payload. */
  private static final Set<String> FROM_THE_RENDERER =
      Set.of("account", "account_id", "email", "dashboard_url", "billing_url");

  private static final Pattern TAG = Pattern.compile("\\{\\{\\{?\\s*([#^/&>]?)\\s*([A-Za-z_.]+)");

  @Test
  void eachKindHasItsOwnRecord() {
    assertThat(Arrays.stream(MailKind.values()).map(k -> k.sample().kind()))
        .containsExactly(MailKind.values());
    assertThat(
            Arrays.stream(MailKind.values())
                .map(k -> k.sample().getClass())
                .collect(Collectors.toSet()))
        .hasSize(MailKind.values().length)
        .hasSize(MailPayload.class.getPermittedSubclasses().length);
  }

  @Test
  void everyTemplateKeyIsSuppliedByTheKindsRecord() throws IOException {
    MailRenderer renderer = new MailRenderer("https://dashboard.example.com");
    for (MailKind kind : MailKind.values()) {
      Set<String> used = new TreeSet<>();
      keys(kind.subjectTemplate(), used);
      keys(read("mail/" + kind.code() + ".txt"), used);
      keys(read("mail/" + kind.code() + ".html"), used);
      Set<String> supplied = new HashSet<>(kind.sample().fields().keySet());
      supplied.addAll(FROM_THE_RENDERER);

      assertThat(used).as(kind.code() + " uses").isNotEmpty();
      assertThat(supplied).as(kind.code() + ": the record supplies").containsAll(used);

      RenderedMail mail =
          renderer.render(
              kind, "acct_0123456789abcdef", "owner@example.com", "Ada", kind.samplePayload());
      assertThat(mail.subject() + mail.text() + mail.html()).doesNotContain("{{");
    }
  }

  /** The variables and sections of a template, and of the partials it includes. */
  private static void keys(String template, Set<String> into) throws IOException {
    Matcher tag = TAG.matcher(template);
    while (tag.find()) {
      if (tag.group(1).equals(">")) {
        keys(read("mail/_" + tag.group(2) + ".html"), into);
      } else if (!tag.group(1).equals("/")) {
        into.add(tag.group(2));
      }
    }
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = MailPayloadTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
