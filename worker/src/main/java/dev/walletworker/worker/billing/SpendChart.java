package dev.walletworker.worker.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.SortedMap;

/**
 * Inline SVG drawn on the server (no script, no style attribute, so the pages' policy allows it):
 * the month's spend per day as bars, and the month's spend against the limit as one bar. Every
 * value in it is a number or a date made here, never text from a user.
 */
final class SpendChart {

  private static final int WIDTH = 620;
  private static final int HEIGHT = 180;
  private static final int AXIS = 24;

  private SpendChart() {}

  /** Bars of spend per day of {@code month}, days to {@code today}; each with its own tooltip. */
  static String perDay(
      YearMonth month, LocalDate today, SortedMap<LocalDate, BigDecimal> spend, String currency) {
    int days = month.lengthOfMonth();
    BigDecimal max = spend.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    double slot = (double) WIDTH / days;
    StringBuilder svg = new StringBuilder();
    String label =
        "Spend per day in "
            + month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
            + " "
            + month.getYear()
            + (max.signum() == 0
                ? ": no usage yet"
                : ", highest " + PageModel.money(max, currency));
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT + AXIS)
        .append("\" role=\"img\" aria-label=\"")
        .append(label)
        .append("\" preserveAspectRatio=\"none\"><title>")
        .append(label)
        .append("</title>");
    svg.append("<line x1=\"0\" y1=\"")
        .append(HEIGHT)
        .append("\" x2=\"")
        .append(WIDTH)
        .append("\" y2=\"")
        .append(HEIGHT)
        .append("\" stroke=\"#9aa0ae\" stroke-width=\"1\"/>");
    for (int day = 1; day <= days; day++) {
      LocalDate date = month.atDay(day);
      BigDecimal value = spend.getOrDefault(date, BigDecimal.ZERO);
      double x = (day - 1) * slot + slot * 0.15;
      double w = slot * 0.7;
      if (max.signum() > 0 && value.signum() > 0) {
        double h =
            Math.max(
                2,
                value
                    .multiply(BigDecimal.valueOf(HEIGHT - 10))
                    .divide(max, 6, RoundingMode.HALF_UP)
                    .doubleValue());
        svg.append("<rect x=\"")
            .append(fmt(x))
            .append("\" y=\"")
            .append(fmt(HEIGHT - h))
            .append("\" width=\"")
            .append(fmt(w))
            .append("\" height=\"")
            .append(fmt(h))
            .append("\" fill=\"")
            .append(date.equals(today) ? "#1c3faa" : "#3b5bdb")
            .append("\"><title>")
            .append(date)
            .append(": ")
            .append(PageModel.money(value, currency))
            .append("</title></rect>");
      }
      if (day == 1 || day % 5 == 0) {
        svg.append("<text x=\"")
            .append(fmt((day - 1) * slot + slot / 2))
            .append("\" y=\"")
            .append(HEIGHT + 16)
            .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#454b5c\">")
            .append(day)
            .append("</text>");
      }
    }
    return svg.append("</svg>").toString();
  }

  /** The month's spend against the limit, as a bar filled up to the share used. */
  static String limitBar(BigDecimal spend, BigDecimal limit) {
    double share =
        limit.signum() == 0
            ? 1
            : Math.min(1, spend.divide(limit, 6, RoundingMode.HALF_UP).doubleValue());
    String color = share >= 1 ? "#c92a2a" : share >= 0.8 ? "#e8590c" : "#2b8a3e";
    return "<svg class=\"bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
        + "<rect x=\"0\" y=\"0\" width=\"100\" height=\"8\" rx=\"2\" fill=\"#e3e6ee\"/>"
        + "<rect x=\"0\" y=\"0\" width=\""
        + fmt(share * 100)
        + "\" height=\"8\" rx=\"2\" fill=\""
        + color
        + "\"/></svg>";
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
