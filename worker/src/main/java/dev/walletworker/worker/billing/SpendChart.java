package dev.walletworker.worker.billing;

import dev.walletworker.ledger.DailyUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Inline SVG drawn on the server (no script, no style attribute, so the pages' policy allows it):
 * the month's spend per day as bars stacked by model, and the month's spend against the limit as
 * one bar. Every value in it is a number or a date made here, never text from a user.
 */
final class SpendChart {

  private static final int WIDTH = 620;
  private static final int HEIGHT = 180;
  private static final int AXIS = 24;

  private SpendChart() {}

  /** One model's colour and month total, shown beside the chart; {@code model}: a model's name. */
  record Series(String name, String color, String total, boolean model) {}

  /** The chart and its legend (models by the month's spend, largest first). */
  record Drawn(String svg, List<Series> legend) {}

  /** A colour per series, told apart by people with the common colour-vision deficiencies. */
  private static final List<String> COLORS =
      List.of("#3b5bdb", "#e8590c", "#2b8a3e", "#862e9c", "#c2255c");

  private static final String OTHER_COLOR = "#6c7489";

  /**
   * Stacked bars of spend per day of {@code month}, one colour per model, days to {@code today};
   * each segment with its own tooltip. The five models with the largest spend this month get their
   * own colour, the rest share "Other models"; usage posted as a plain amount is "Other usage",
   * drawn and listed last.
   */
  static Drawn perDay(YearMonth month, LocalDate today, List<DailyUsage> usage, String currency) {
    Map<String, BigDecimal> totals = new HashMap<>();
    SortedMap<LocalDate, BigDecimal> perDay = new TreeMap<>();
    for (DailyUsage row : usage) {
      totals.merge(seriesOf(row.model()), row.spent(), BigDecimal::add);
      perDay.merge(row.day(), row.spent(), BigDecimal::add);
    }
    List<String> ranked =
        totals.entrySet().stream()
            .sorted(
                Comparator.comparing(
                        (Map.Entry<String, BigDecimal> e) -> e.getKey().equals(UNPRICED))
                    .thenComparing(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                    .thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey)
            .toList();
    Map<String, String> colorOf = new LinkedHashMap<>();
    for (String name : ranked) {
      boolean own = !name.equals(UNPRICED) && colorOf.size() < COLORS.size();
      colorOf.put(name, own ? COLORS.get(colorOf.size()) : OTHER_COLOR);
    }
    // Series past the fifth model, and plain amounts, are drawn (and listed) as one.
    Map<String, String> shownAs = new HashMap<>();
    Map<String, BigDecimal> shownTotals = new LinkedHashMap<>();
    for (String name : ranked) {
      String shown = colorOf.get(name).equals(OTHER_COLOR) ? otherName(ranked, colorOf) : name;
      shownAs.put(name, shown);
      shownTotals.merge(shown, totals.get(name), BigDecimal::add);
    }
    Map<String, String> shownColor = new HashMap<>();
    shownAs.forEach((name, shown) -> shownColor.put(shown, colorOf.get(name)));

    int days = month.lengthOfMonth();
    BigDecimal max = perDay.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
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
      double x = (day - 1) * slot + slot * 0.15;
      double w = slot * 0.7;
      if (max.signum() > 0) {
        // Bottom to top in the legend's order, so a colour sits at the same height every day.
        Map<String, BigDecimal> segments = new LinkedHashMap<>();
        shownTotals.keySet().forEach(shown -> segments.put(shown, BigDecimal.ZERO));
        for (DailyUsage row : usage) {
          if (row.day().equals(date)) {
            segments.merge(shownAs.get(seriesOf(row.model())), row.spent(), BigDecimal::add);
          }
        }
        double top = HEIGHT;
        for (Map.Entry<String, BigDecimal> segment : segments.entrySet()) {
          BigDecimal value = segment.getValue();
          if (value.signum() <= 0) {
            continue;
          }
          double h =
              Math.max(
                  2,
                  value
                      .multiply(BigDecimal.valueOf(HEIGHT - 10))
                      .divide(max, 6, RoundingMode.HALF_UP)
                      .doubleValue());
          top -= h;
          svg.append("<rect x=\"")
              .append(fmt(x))
              .append("\" y=\"")
              .append(fmt(top))
              .append("\" width=\"")
              .append(fmt(w))
              .append("\" height=\"")
              .append(fmt(h))
              .append("\" fill=\"")
              .append(shownColor.get(segment.getKey()))
              .append(date.equals(today) ? "\" stroke=\"#1b1e27\" stroke-width=\"1" : "")
              .append("\"><title>")
              .append(date)
              .append(", ")
              .append(escape(segment.getKey()))
              .append(": ")
              .append(PageModel.money(value, currency))
              .append("</title></rect>");
        }
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
    List<Series> legend = new ArrayList<>();
    shownTotals.forEach(
        (shown, total) ->
            legend.add(
                new Series(
                    shown,
                    shownColor.get(shown),
                    PageModel.money(total, currency),
                    !shownColor.get(shown).equals(OTHER_COLOR))));
    return new Drawn(svg.append("</svg>").toString(), legend);
  }

  private static final String UNPRICED = "Other usage";

  private static String seriesOf(String model) {
    return model == null ? UNPRICED : model;
  }

  /** The grey series' name: what it holds, plain amounts, models past the fifth, or both. */
  private static String otherName(List<String> ranked, Map<String, String> colorOf) {
    boolean models =
        ranked.stream()
            .anyMatch(name -> !name.equals(UNPRICED) && colorOf.get(name).equals(OTHER_COLOR));
    boolean plain = colorOf.containsKey(UNPRICED);
    return models && plain ? "Other models and usage" : models ? "Other models" : UNPRICED;
  }

  /**
   * Model names are the gateway's text (letters, digits and {@code ._:/-}), escaped all the same.
   */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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
