package dev.walletworker.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BonusTiersTest {

  @ParameterizedTest(name = "${0} earns {1}% = ${2}")
  @CsvSource({
    "10.00, 0, 0.00",
    "10.01, 0, 0.00",
    "49.99, 0, 0.00",
    "50.00, 5, 2.50",
    "50.01, 5, 2.50",
    "55.55, 5, 2.78",
    "99.99, 5, 5.00",
    "100.00, 10, 10.00",
    "100.01, 10, 10.00",
    "249.99, 10, 25.00",
    "250.00, 15, 37.50",
    "250.01, 15, 37.50",
    "499.99, 15, 75.00",
  })
  void tiersAtAndAroundEachBoundary(String amount, int percent, String bonus) {
    TopUpQuote quote = BonusTiers.quote(new BigDecimal(amount));

    assertThat(quote.bonusPercent()).isEqualTo(percent);
    assertThat(quote.bonus()).isEqualByComparingTo(bonus);
    assertThat(quote.total())
        .isEqualByComparingTo(new BigDecimal(amount).add(new BigDecimal(bonus)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"9.99", "0.01", "1"})
  void belowTheMinimumIsRefused(String amount) {
    assertThatThrownBy(() -> BonusTiers.quote(new BigDecimal(amount)))
        .isInstanceOfSatisfying(
            WalletException.class,
            e -> assertThat(e.type()).isEqualTo(ErrorType.AMOUNT_BELOW_MINIMUM))
        .hasMessageContaining("minimum top-up is 10.00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"500.00", "500.01", "10000"})
  void fiveHundredAndUpIsForSales(String amount) {
    assertThatThrownBy(() -> BonusTiers.quote(new BigDecimal(amount)))
        .isInstanceOfSatisfying(
            WalletException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.CONTACT_SALES))
        .hasMessageContaining("contact sales");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-50", "50.001", "10.5000001"})
  void notAPositiveWholeCentAmount(String amount) {
    assertThatThrownBy(() -> BonusTiers.quote(new BigDecimal(amount)))
        .isInstanceOfSatisfying(
            WalletException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.INVALID_AMOUNT));
  }
}
