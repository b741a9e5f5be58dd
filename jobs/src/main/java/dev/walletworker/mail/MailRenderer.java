package dev.walletworker.mail;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders an email of the catalogue from its payload. Money is shown as the owner reads it ({@code
 * $4.20}); every email links to the billing dashboard. Templates are compiled once.
 */
public final class MailRenderer {

  /** Payload fields that hold money in the payload's {@code currency}. */
  static final Set<String> MONEY =
      Set.of(
          "balance",
          "held",
          "available",
          "threshold",
          "amount",
          "bonus",
          "limit",
          "spend",
          "auto_topup_amount",
          "auto_topup_threshold",
          "new_balance");

  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("MMMM uuuu", Locale.ENGLISH);

  private final String dashboardUrl;
  private final Map<MailKind, Template[]> templates = new EnumMap<>(MailKind.class);

  public MailRenderer(String dashboardUrl) {
    this.dashboardUrl =
        dashboardUrl.endsWith("/")
            ? dashboardUrl.substring(0, dashboardUrl.length() - 1)
            : dashboardUrl;
    Mustache.Compiler html = Mustache.compiler().escapeHTML(true).withLoader(MailRenderer::partial);
    Mustache.Compiler text =
        Mustache.compiler().escapeHTML(false).withLoader(MailRenderer::partial);
    for (MailKind kind : MailKind.values()) {
      templates.put(
          kind,
          new Template[] {
            text.compile(kind.subjectTemplate()),
            text.compile(read("mail/" + kind.code() + ".txt")),
            html.compile(read("mail/" + kind.code() + ".html"))
          });
    }
  }

  /**
   * @param name the owner's display name, or null (the email address is used)
   */
  public RenderedMail render(
      MailKind kind, String accountId, String email, String name, Map<String, Object> payload) {
    Map<String, Object> model = new HashMap<>(payload);
    if (payload.containsKey("retry_after_minutes") && !payload.containsKey("retry_after")) {
      // Queued before the cool-down was written in words: still say it as a person would.
      model.put(
          "retry_after",
          dev.walletworker.Durations.words(
              java.time.Duration.ofMinutes(
                  Long.parseLong(payload.get("retry_after_minutes").toString()))));
    }
    if (kind == MailKind.LOW_BALANCE && !payload.containsKey("available")) {
      // Queued before holds existed: the balance was all there was to spend.
      model.put("available", payload.get("balance"));
    }
    String currency = String.valueOf(payload.getOrDefault("currency", "USD"));
    for (String key : MONEY) {
      Object value = model.get(key);
      if (value != null) {
        model.put(key, money(new BigDecimal(value.toString()), currency));
      }
    }
    Object month = payload.get("month");
    if (month != null) {
      model.put("month", month(month.toString()));
    }
    model.put("account", name == null || name.isBlank() ? email : name);
    model.put("account_id", accountId);
    model.put("email", email);
    model.put("dashboard_url", dashboardUrl);
    model.put("billing_url", dashboardUrl + "/billing");
    Template[] t = templates.get(kind);
    return new RenderedMail(oneLine(t[0].execute(model)), t[1].execute(model), t[2].execute(model));
  }

  /** {@code $4.20}, {@code €1,250.00}: two decimals, rounded half-up. */
  static String money(BigDecimal amount, String currency) {
    NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
    format.setCurrency(Currency.getInstance(currency));
    format.setMinimumFractionDigits(2);
    format.setMaximumFractionDigits(2);
    format.setRoundingMode(RoundingMode.HALF_UP);
    return format.format(amount);
  }

  /**
   * {@code 2026-11} (how payloads carry a month) as the owner reads it: {@code November 2026}.
   * Anything else is shown as it is.
   */
  static String month(String yearMonth) {
    try {
      return YearMonth.parse(yearMonth).format(MONTH);
    } catch (DateTimeParseException notAMonth) {
      return yearMonth;
    }
  }

  /** Header values never carry line breaks or other control characters. */
  static String oneLine(String text) {
    return text.replaceAll("[\\p{Cntrl}]+", " ").strip();
  }

  private static Reader partial(String name) {
    return new java.io.StringReader(read("mail/_" + name + ".html"));
  }

  private static String read(String resource) {
    try (InputStream in = MailRenderer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("mail template " + resource + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
