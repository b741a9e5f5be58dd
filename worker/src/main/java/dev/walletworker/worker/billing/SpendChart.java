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

/**
 * Inline SVG drawn on the server (no script, no style attribute, so the pages' policy allows it):
 * the month's spend per day as bars stacked by model, and the month's spend against the limit as
 * one bar; the ops console draws its charts with {@link #bars} too. Every text in it is made by the
 * server (numbers, dates, model and job names) and escaped all the same.
 */
public final class SpendChart {

  private static final int WIDTH = 620;
  private static final int HEIGHT = 180;
  private static final int AXIS = 24;
  private static final String BAR_COLOR = "#3b5bdb";
  private static final String HIGHLIGHT_COLOR = "#1c3faa";

  private SpendChart() {}

  /** A part of a bar: its value, colour and tooltip. */
  public record Segment(BigDecimal value, String color, String tooltip) {}

  /**
   * One bar: its segments, bottom first; the label under it (or null); whether it stands out
   * (today, say: outlined, and a one-colour bar drawn darker).
   */
  public record Bar(List<Segment> segments, String tick, boolean highlight) {

    /** A bar of one value in the charts' one colour. */
    public Bar(BigDecimal value, String tooltip, String tick, boolean highlight) {
      this(
          List.of(new Segment(value, highlight ? HIGHLIGHT_COLOR : BAR_COLOR, tooltip)),
          tick,
          highlight);
    }

    BigDecimal total() {
      return segments.stream()
          .map(Segment::value)
          .filter(value -> value.signum() > 0)
          .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
  }

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
    for (DailyUsage row : usage) {
      totals.merge(seriesOf(row.model()), row.spent(), BigDecimal::add);
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

    BigDecimal max = BigDecimal.ZERO;
    List<Bar> bars = new ArrayList<>();
    for (int day = 1; day <= month.lengthOfMonth(); day++) {
      LocalDate date = month.atDay(day);
      // Bottom to top in the legend's order, so a colour sits at the same height every day.
      Map<String, BigDecimal> perSeries = new LinkedHashMap<>();
      shownTotals.keySet().forEach(shown -> perSeries.put(shown, BigDecimal.ZERO));
      for (DailyUsage row : usage) {
        if (row.day().equals(date)) {
          perSeries.merge(shownAs.get(seriesOf(row.model())), row.spent(), BigDecimal::add);
        }
      }
      List<Segment> segments = new ArrayList<>();
      perSeries.forEach(
          (shown, value) ->
              segments.add(
                  new Segment(
                      value,
                      shownColor.get(shown),
                      date + ", " + shown + ": " + PageModel.money(value, currency))));
      String tick = day == 1 || day % 5 == 0 ? Integer.toString(day) : null;
      Bar bar = new Bar(segments, tick, date.equals(today));
      max = max.max(bar.total());
      bars.add(bar);
    }
    String label =
        "Spend per day in "
            + month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
            + " "
            + month.getYear()
            + (max.signum() == 0
                ? ": no usage yet"
                : ", highest " + PageModel.money(max, currency));
    List<Series> legend = new ArrayList<>();
    shownTotals.forEach(
        (shown, total) ->
            legend.add(
                new Series(
                    shown,
                    shownColor.get(shown),
                    PageModel.money(total, currency),
                    !shownColor.get(shown).equals(OTHER_COLOR))));
    return new Drawn(bars(label, bars), legend);
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
   * Bars scaled to the highest bar, each segment at least 2 units high when above zero and absent
   * when zero; {@code label} is the chart's accessible name.
   */
  public static String bars(String label, List<Bar> bars) {
    BigDecimal max =
        bars.stream().map(Bar::total).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
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
      double top = HEIGHT;
      for (Segment segment : bar.segments()) {
        if (max.signum() == 0 || segment.value().signum() <= 0) {
          continue;
        }
        double h =
            Math.max(
                2,
                segment
                    .value()
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
            .append(segment.color())
            .append(
                bar.highlight() && bar.segments().size() > 1
                    ? "\" stroke=\"#1b1e27\" stroke-width=\"1"
                    : "")
            .append("\"><title>")
            .append(escape(segment.tooltip()))
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
