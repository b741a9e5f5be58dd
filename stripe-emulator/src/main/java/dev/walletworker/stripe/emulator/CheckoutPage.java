package dev.walletworker.stripe.emulator;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * The hosted Checkout page, as HTML: what is bought, the amount, and a Pay and a Cancel button
 * (plain forms, no script). Labelled on every page as the emulator in test mode, so nobody takes it
 * for Stripe.
 */
final class CheckoutPage {

  private static final String STYLE =
      """
      body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 2rem auto;
             padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
      .test-mode { background: #fff3cd; border: 1px solid #8a6d00; border-radius: 4px;
                   padding: .5rem .75rem; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
      dt { font-weight: 600; }
      dd { margin: 0; }
      .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
      button { font: inherit; padding: .6rem 1.2rem; border-radius: 4px; cursor: pointer; }
      button:focus-visible, a:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
      .pay { background: #1a56db; border: 1px solid #1a56db; color: #fff; }
      .cancel { background: #fff; border: 1px solid #6b6b6b; color: #1a1a1a; }
      """;

  private CheckoutPage() {}

  /** The page for {@code session}: buttons while it is open, what became of it otherwise. */
  static String of(CheckoutSession session) {
    String amount = money(session.amountTotal(), session.currency());
    StringBuilder body = new StringBuilder();
    if (session.open()) {
      body.append("<h1>Pay ").append(escape(amount)).append("</h1>\n");
      details(body, session, amount);
      String action = "/_emulator/checkout/" + escape(session.id());
      body.append("<div class=\"actions\">\n")
          .append("<form method=\"post\" action=\"")
          .append(action)
          .append("/pay\"><button type=\"submit\" class=\"pay\">Pay ")
          .append(escape(amount))
          .append("</button></form>\n")
          .append("<form method=\"post\" action=\"")
          .append(action)
          .append("/cancel\"><button type=\"submit\" class=\"cancel\">Cancel</button></form>\n")
          .append("</div>\n");
      return page("Pay " + amount, body.toString());
    }
    boolean complete = CheckoutSession.COMPLETE.equals(session.status());
    String heading = complete ? "This payment is complete" : "This checkout session has expired";
    body.append("<h1>").append(heading).append("</h1>\n");
    body.append(
        complete
            ? "<p>It was paid: nothing is charged again.</p>\n"
            : "<p>It was not paid and can no longer be: start a new top-up.</p>\n");
    details(body, session, amount);
    String back = complete ? session.successRedirect() : session.cancelUrl();
    if (back != null) {
      body.append("<p><a href=\"").append(escape(back)).append("\">Return to the site</a></p>\n");
    }
    return page(heading, body.toString());
  }

  /** After Cancel, for a session that gave no {@code cancel_url} to return to. */
  static String cancelled() {
    return page("Payment cancelled", "<h1>Payment cancelled</h1>\n<p>Nothing was charged.</p>\n");
  }

  static String notFound(String id) {
    return page(
        "No such checkout session",
        "<h1>No such checkout session</h1>\n<p>The emulator has no session "
            + escape(id)
            + ".</p>\n");
  }

  /**
   * {@code minor} units of {@code currency} as people read them: "$100.00", "€25.00", "¥2,500".
   * Digits after the point as ISO 4217 gives them.
   */
  static String money(long minor, String currency) {
    String code = currency == null ? "" : currency.toUpperCase(Locale.ROOT);
    try {
      Currency unit = Currency.getInstance(code);
      int digits = Math.max(0, unit.getDefaultFractionDigits());
      NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
      format.setCurrency(unit);
      format.setMinimumFractionDigits(digits);
      format.setMaximumFractionDigits(digits);
      return format.format(BigDecimal.valueOf(minor, digits));
    } catch (IllegalArgumentException unknownCurrency) {
      return BigDecimal.valueOf(minor, 2).toPlainString() + " " + code;
    }
  }

  private static void details(StringBuilder body, CheckoutSession session, String amount) {
    body.append("<dl>\n<dt>For</dt><dd>");
    boolean first = true;
    for (CheckoutSession.LineItem item : session.lineItems()) {
      body.append(first ? "" : "<br>");
      if (item.quantity() != 1) {
        body.append(item.quantity()).append(" × ");
      }
      body.append(escape(item.name() == null ? "Unnamed item" : item.name()));
      first = false;
    }
    body.append("</dd>\n<dt>Amount</dt><dd>")
        .append(escape(amount))
        .append(" (")
        .append(escape(session.currency().toUpperCase(Locale.ROOT)))
        .append(")</dd>\n");
    if (session.customerEmail() != null) {
      body.append("<dt>Email</dt><dd>").append(escape(session.customerEmail())).append("</dd>\n");
    }
    body.append("</dl>\n");
  }

  private static String page(String title, String main) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>"
        + escape(title)
        + " – Stripe emulator (test mode)</title>\n<style>\n"
        + STYLE
        + "</style>\n</head>\n<body>\n<header>\n<p class=\"test-mode\" role=\"note\">"
        + "<strong>Stripe emulator — test mode.</strong> This page is not Stripe and no real card"
        + " is charged: Pay records a test payment in the emulator.</p>\n</header>\n<main>\n"
        + main
        + "</main>\n</body>\n</html>\n";
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
