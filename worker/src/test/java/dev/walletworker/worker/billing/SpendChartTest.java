package dev.walletworker.worker.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.ledger.DailyUsage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SpendChartTest {

  private static final YearMonth MONTH = YearMonth.of(2026, 11);
  private static final LocalDate TODAY = MONTH.atDay(12);

  @Test
  void eachModelIsAColourStackedInTheLegendsOrderWithPlainAmountsLast() {
    List<DailyUsage> usage =
        List.of(
            new DailyUsage(MONTH.atDay(3), "small", new BigDecimal("1.000000")),
            new DailyUsage(MONTH.atDay(3), null, new BigDecimal("9.000000")),
            new DailyUsage(MONTH.atDay(12), "large", new BigDecimal("4.500000")),
            new DailyUsage(MONTH.atDay(12), "small", new BigDecimal("0.250000")));

    SpendChart.Drawn chart = SpendChart.perDay(MONTH, TODAY, usage, "USD");

    assertThat(chart.legend())
        .extracting(SpendChart.Series::name, SpendChart.Series::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("large", "$4.50"),
            org.assertj.core.groups.Tuple.tuple("small", "$1.25"),
            org.assertj.core.groups.Tuple.tuple("Other usage", "$9.00"));
    assertThat(chart.legend())
        .extracting(SpendChart.Series::model)
        .containsExactly(true, true, false);
    List<String> titles = titles(chart.svg());
    assertThat(titles)
        .containsExactly(
            "2026-11-03, small: $1.00",
            "2026-11-03, Other usage: $9.00",
            "2026-11-12, large: $4.50",
            "2026-11-12, small: $0.25");
    // The same model has the same colour on every day; the grey is for the rest only.
    List<String> fills = fills(chart.svg());
    assertThat(fills.get(0)).isEqualTo(fills.get(3)).isNotEqualTo(fills.get(2));
    assertThat(fills.get(1)).isEqualTo(chart.legend().get(2).color());
    // The tallest day (the 3rd, $10.00) fills the chart's height less its margin.
    assertThat(chart.svg()).contains("Spend per day in November 2026, highest $10.00");
  }

  @Test
  void modelsPastTheFifthShareOneGreySeries() {
    List<DailyUsage> usage = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      usage.add(new DailyUsage(MONTH.atDay(1), "m" + i, BigDecimal.valueOf(10 - i)));
    }
    usage.add(new DailyUsage(MONTH.atDay(2), null, BigDecimal.ONE));

    SpendChart.Drawn chart = SpendChart.perDay(MONTH, TODAY, usage, "USD");

    assertThat(chart.legend())
        .extracting(SpendChart.Series::name)
        .containsExactly("m1", "m2", "m3", "m4", "m5", "Other models and usage");
    // m6 ($4) + m7 ($3) + the plain $1.
    assertThat(chart.legend().get(5).total()).isEqualTo("$8.00");
    assertThat(chart.legend()).extracting(SpendChart.Series::color).doesNotHaveDuplicates();
    // Day 1: five own segments and one grey for m6 and m7 together; day 2: the plain amount.
    assertThat(titles(chart.svg()))
        .hasSize(7)
        .contains("2026-11-01, Other models and usage: $7.00");
  }

  @Test
  void aMonthWithoutUsageHasNoBarsAndNoLegend() {
    SpendChart.Drawn chart = SpendChart.perDay(MONTH, TODAY, List.of(), "EUR");

    assertThat(chart.legend()).isEmpty();
    assertThat(chart.svg()).contains("no usage yet").doesNotContain("<rect");
  }

  @Test
  void aModelNameIsEscaped() {
    SpendChart.Drawn chart =
        SpendChart.perDay(
            MONTH, TODAY, List.of(new DailyUsage(TODAY, "a<b>&c", BigDecimal.ONE)), "USD");

    assertThat(chart.svg()).contains("a&lt;b&gt;&amp;c").doesNotContain("a<b>");
  }

  @Test
  void barsOfOneValueAreScaledToTheHighestWithTheirTicksInsideTheChart() {
    List<SpendChart.Bar> bars = new ArrayList<>();
    for (int day = 1; day <= 30; day++) {
      bars.add(
          new SpendChart.Bar(
              BigDecimal.valueOf(day % 3),
              "day " + day + " <runs>",
              day == 1 || day == 30 ? Integer.toString(day) : null,
              day == 29));
    }

    String svg = SpendChart.bars("Runs \"per\" day", bars);

    // Days 3, 6, … are 0: no bar. Twenty bars of 1 or 2; the highest (2) fills 170 units.
    assertThat(titles(svg)).hasSize(20).contains("day 2 &lt;runs&gt;");
    assertThat(svg)
        .contains("aria-label=\"Runs &quot;per&quot; day\"")
        .contains("height=\"170.0\"");
    assertThat(fills(svg)).containsOnly("#3b5bdb", "#1c3faa").containsOnlyOnce("#1c3faa");
    assertThat(svg).contains("text-anchor=\"start\"").contains("text-anchor=\"end\"");
  }

  private static List<String> titles(String svg) {
    return all(Pattern.compile("<rect [^>]*><title>([^<]*)</title>"), svg);
  }

  private static List<String> fills(String svg) {
    return all(Pattern.compile("<rect [^>]*fill=\"([^\"]*)\"[^>]*><title>"), svg);
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
