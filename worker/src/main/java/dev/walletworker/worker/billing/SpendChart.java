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
 * the month's spend per day as bars, and the month's spend against the limit as one bar; the ops
 * console's charts use {@link #bars} too. Every value in it is a number, a date or a name made by
 * the server, escaped.
 */
public final class SpendChart {

  private static final int WIDTH = 620;
  private static final int HEIGHT = 180;
  private static final int AXIS = 24;

  private SpendChart() {}

  /** One bar: its value, its tooltip, the label under it (or null), and whether it stands out. */
  public record Bar(BigDecimal value, String tooltip, String tick, boolean highlight) {}

  /** Bars of spend per day of {@code month}, days to {@code today}; each with its own tooltip. */
  static String perDay(
      YearMonth month, LocalDate today, SortedMap<LocalDate, BigDecimal> spend, String currency) {
    BigDecimal max = spend.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    String label =
        "Spend per day in "
            + month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
            + " "
            + month.getYear()
            + (max.signum() == 0
                ? ": no usage yet"
                : ", highest " + PageModel.money(max, currency));
    java.util.List<Bar> bars = new java.util.ArrayList<>();
    for (int day = 1; day <= month.lengthOfMonth(); day++) {
      LocalDate date = month.atDay(day);
      BigDecimal value = spend.getOrDefault(date, BigDecimal.ZERO);
      bars.add(
          new Bar(
              value,
              date + ": " + PageModel.money(value, currency),
              day == 1 || day % 5 == 0 ? Integer.toString(day) : null,
              date.equals(today)));
    }
    return bars(label, bars);
  }

  /**
   * Bars scaled to the highest value, a bar of at least 2 units for any value above zero, none for
   * zero; {@code label} is the chart's accessible name. The ops console draws its charts here too.
   */
  public static String bars(String label, java.util.List<Bar> bars) {
    BigDecimal max =
        bars.stream().map(Bar::value).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    double slot = (double) WIDTH / Math.max(1, bars.size());
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT + AXIS)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape(label))
        .append("\" preserveAspectRatio=\"none\"><title>")
        .append(escape(label))
        .append("</title>");
    svg.append("<line x1=\"0\" y1=\"")
        .append(HEIGHT)
        .append("\" x2=\"")
        .append(WIDTH)
        .append("\" y2=\"")
        .append(HEIGHT)
        .append("\" stroke=\"#9aa0ae\" stroke-width=\"1\"/>");
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double x = i * slot + slot * 0.15;
      double w = slot * 0.7;
      if (max.signum() > 0 && bar.value().signum() > 0) {
        double h =
            Math.max(
                2,
                bar.value()
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
            .append(bar.highlight() ? "#1c3faa" : "#3b5bdb")
            .append("\"><title>")
            .append(escape(bar.tooltip()))
            .append("</title></rect>");
      }
      if (bar.tick() != null) {
        // The first and last labels keep inside the chart (a centred one would be cut off).
        boolean first = i == 0 && slot < 40;
        boolean last = i == bars.size() - 1 && slot < 40;
        svg.append("<text x=\"")
            .append(fmt(first ? i * slot : last ? WIDTH : i * slot + slot / 2))
            .append("\" y=\"")
            .append(HEIGHT + 16)
            .append("\" font-size=\"12\" text-anchor=\"")
            .append(first ? "start" : last ? "end" : "middle")
            .append("\" fill=\"#454b5c\">")
            .append(escape(bar.tick()))
            .append("</text>");
      }
    }
    return svg.append("</svg>").toString();
  }

  /* Labels are made by the server from numbers, dates and job names; escaped all the same. */
  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
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
