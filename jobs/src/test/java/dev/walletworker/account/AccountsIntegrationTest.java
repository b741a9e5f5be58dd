package dev.walletworker.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);

  @Test
  void createsAnActiveAccountWithAnEmptyUsdWallet() {
    AccountView created = accounts.create("  owner@example.com ", "Ada Lovelace", null);

    assertThat(created.account().id()).matches("acct_[a-z0-9]{16}");
    assertThat(created.account().email()).isEqualTo("owner@example.com");
    assertThat(created.account().displayName()).isEqualTo("Ada Lovelace");
    assertThat(created.account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(created.account().createdAt()).isEqualTo(clock.instant());
    assertThat(created.wallet().currency()).isEqualTo("USD");
    assertThat(created.wallet().balance()).isZero();
    assertThat(created.wallet().autoTopUp().enabled()).isFalse();
    assertThat(created.wallet().spendingLimit().action()).isEqualTo(SpendingLimitAction.BLOCK);
  }

  @Test
  void currencyIsNormalisedAndChecked() {
    assertThat(accounts.create("a@example.com", null, "eur").wallet().currency()).isEqualTo("EUR");
    assertRefusedCreate("a@example.com", "XYZ");
    assertRefusedCreate("a@example.com", "JPY"); // no cents: top-ups are charged in cents
    assertRefusedCreate("a@example.com", "US");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no-at-sign",
        "two@@example.com",
        "a@b",
        "a b@example.com",
        "x@example.com\r\nBcc: evil@example.com"
      })
  void badEmailsAreRefused(String email) {
    assertRefusedCreate(email, null);
  }

  @Test
  void overlongNameIsRefused() {
    assertThatThrownBy(() -> accounts.create("a@example.com", "n".repeat(201), null))
        .hasMessageContaining("name is too long");
    assertThat(count()).isZero();
  }

  @Test
  void settingsChangeTogetherAndAreReadBack() {
    String id = accounts.create("a@example.com", null, null).account().id();

    Wallet wallet =
        accounts
            .updateSettings(
                id,
                new SettingsChange()
                    .autoTopUpEnabled(true)
                    .autoTopUpThreshold(new BigDecimal("5.00"))
                    .autoTopUpAmount(new BigDecimal("25.00"))
                    .stripeCustomerId("cus_123")
                    .paymentMethodId("pm_card_visa")
                    .alertEnabled(true)
                    .alertThreshold(new BigDecimal("10"))
                    .limitEnabled(true)
                    .monthlyLimit(new BigDecimal("100"))
                    .limitAction(SpendingLimitAction.ALERT))
            .wallet();

    assertThat(wallet.autoTopUp())
        .isEqualTo(
            new AutoTopUpSettings(
                true,
                new BigDecimal("5.000000"),
                new BigDecimal("25.000000"),
                "cus_123",
                "pm_card_visa"));
    assertThat(wallet.lowBalanceAlert())
        .isEqualTo(new LowBalanceAlertSettings(true, new BigDecimal("10.000000")));
    assertThat(wallet.spendingLimit())
        .isEqualTo(
            new SpendingLimitSettings(
                true, new BigDecimal("100.000000"), SpendingLimitAction.ALERT));

    Wallet off = accounts.updateSettings(id, new SettingsChange().autoTopUpEnabled(false)).wallet();
    assertThat(off.autoTopUp().enabled()).isFalse();
    assertThat(off.autoTopUp().amount()).isEqualByComparingTo("25"); // kept for next time
  }

  @Test
  void enablingWithoutTheValuesItNeedsIsRefused() {
    String id = accounts.create("a@example.com", null, null).account().id();

    assertRefusedChange(
        id, new SettingsChange().autoTopUpEnabled(true).autoTopUpThreshold(BigDecimal.ONE));
    assertRefusedChange(id, new SettingsChange().alertEnabled(true));
    assertRefusedChange(id, new SettingsChange().limitEnabled(true));
  }

  @Test
  void nonsenseValuesAreRefusedAndChangeNothing() {
    String id = accounts.create("a@example.com", null, null).account().id();

    assertRefusedChange(id, new SettingsChange().autoTopUpAmount(new BigDecimal("9.99")));
    assertRefusedChange(id, new SettingsChange().autoTopUpAmount(new BigDecimal("500")));
    assertRefusedChange(id, new SettingsChange().autoTopUpAmount(new BigDecimal("20.005")));
    assertRefusedChange(id, new SettingsChange().autoTopUpThreshold(new BigDecimal("-1")));
    assertRefusedChange(id, new SettingsChange().alertThreshold(new BigDecimal("0.0000001")));
    assertRefusedChange(id, new SettingsChange().monthlyLimit(new BigDecimal("-0.01")));
    assertRefusedChange(id, new SettingsChange().stripeCustomerId("cust_1"));
    assertRefusedChange(id, new SettingsChange().paymentMethodId("pm_x\nBcc: y"));
    // A valid change riding along with an invalid one is not applied either.
    assertRefusedChange(
        id,
        new SettingsChange()
            .alertEnabled(true)
            .alertThreshold(BigDecimal.TEN)
            .monthlyLimit(new BigDecimal("-5")));
  }

  @Test
  void aMonthlyLimitBelowOneUnitOfTheCurrencyIsRefusedSayingTheSmallest() {
    String id = accounts.create("a@example.com", null, "EUR").account().id();

    for (String tooSmall : List.of("0", "0.000001", "0.99")) {
      assertThatThrownBy(
              () ->
                  accounts.updateSettings(
                      id,
                      new SettingsChange()
                          .limitEnabled(true)
                          .monthlyLimit(new BigDecimal(tooSmall))))
          .isInstanceOfSatisfying(
              WalletException.class,
              e -> {
                assertThat(e.type()).isEqualTo(ErrorType.INVALID_AMOUNT);
                assertThat(e.param()).isEqualTo("spending_limit.monthly_limit");
                assertThat(e.getMessage()).contains("at least 1.00 EUR");
              });
    }
    assertThat(accounts.get(id).wallet().spendingLimit().enabled()).isFalse();

    accounts.updateSettings(
        id, new SettingsChange().limitEnabled(true).monthlyLimit(new BigDecimal("1.00")));
    assertThat(accounts.get(id).wallet().spendingLimit().monthlyLimit())
        .isEqualByComparingTo("1.00");
  }

  @Test
  void unknownAccountIsReported() {
    assertThatThrownBy(
            () ->
                accounts.updateSettings(
                    "acct_0000000000000000", new SettingsChange().alertEnabled(false)))
        .isInstanceOfSatisfying(
            WalletException.class,
            e -> assertThat(e.type()).isEqualTo(ErrorType.ACCOUNT_NOT_FOUND));
    assertThat(accounts.find("acct_0000000000000000")).isEmpty();
  }

  private void assertRefusedCreate(String email, String currency) {
    long before = count();
    assertThatThrownBy(() -> accounts.create(email, null, currency))
        .isInstanceOfSatisfying(
            WalletException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.INVALID_REQUEST));
    assertThat(count()).isEqualTo(before);
  }

  private void assertRefusedChange(String id, SettingsChange change) {
    AccountView before = accounts.get(id);
    assertThatThrownBy(() -> accounts.updateSettings(id, change))
        .isInstanceOf(WalletException.class);
    assertThat(accounts.get(id)).isEqualTo(before);
  }

  private long count() {
    return db.jdbc().sql("SELECT count(*) FROM accounts").query(Long.class).single();
  }
}
