package dev.walletworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AmountsTest {

  @ParameterizedTest(name = "{0} shows as {1}")
  @CsvSource({
    "25.5, 25.50",
    "25.500000, 25.50",
    "-0.15, -0.15",
    "0.0004, 0.0004",
    "0.000015, 0.000015",
    "100, 100.00",
    "0, 0.00",
    "1E+3, 1000.00",
  })
  void formatsAsTheProductDocuments(String value, String shown) {
    assertThat(Amounts.format(new BigDecimal(value))).isEqualTo(shown);
  }

  @Test
  void parsesPlainDecimals() {
    assertThat(Amounts.parse("25.50", "amount")).isEqualByComparingTo("25.5");
    assertThat(Amounts.parse(" 0.0004 ", "amount")).isEqualByComparingTo("0.0004");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NaN", "Infinity", "-Infinity", "1e309", "1,000", "", "abc", "0x10", "1.2.3"})
  void refusesAnythingButPlainDecimals(String text) {
    assertThatThrownBy(() -> Amounts.parse(text, "amount"))
        .isInstanceOf(WalletException.class)
        .hasMessageContaining("amount must be a plain decimal number");
  }

  @Test
  void refusesMoreDecimalsThanTheLedgerKeeps() {
    assertThatThrownBy(() -> Amounts.parse("0.0000001", "amount"))
        .hasMessageContaining("more than 6 decimal places");
  }

  @Test
  void refusesHugeAmounts() {
    assertThatThrownBy(() -> Amounts.parse("1000000000.01", "amount"))
        .hasMessageContaining("at most 1000000000.00");
  }

  @Test
  void amountsInErrorMessagesFollowTheDisplayRule() {
    // What the ledger keeps (6 decimals) is not what a reader is shown.
    BigDecimal kept = Amounts.requirePositive(new BigDecimal("99.995"), "amount");

    assertThatThrownBy(() -> Amounts.requireCents(kept, "amount"))
        .hasMessageEndingWith("got 99.995")
        .hasMessageNotContaining("99.995000");
    assertThatThrownBy(() -> Amounts.requirePositive(new BigDecimal("-5.000000"), "amount"))
        .hasMessageEndingWith("got -5.00");
  }

  @Test
  void positiveAndNonNegativeRules() {
    assertThatThrownBy(() -> Amounts.requirePositive(BigDecimal.ZERO, "amount"))
        .hasMessageContaining("greater than zero");
    assertThatThrownBy(() -> Amounts.requireNonNegative(new BigDecimal("-1"), "threshold"))
        .hasMessageContaining("must not be negative");
    assertThat(Amounts.requireNonNegative(BigDecimal.ZERO, "threshold")).isZero();
    assertThat(Amounts.requirePositive(new BigDecimal("0.0004"), "amount").scale()).isEqualTo(6);
  }
}
