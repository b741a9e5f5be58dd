package dev.walletworker.worker.checkout;

import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.BonusTiers;
import dev.walletworker.ledger.TopUpQuote;
import dev.walletworker.stripe.StripeAmount;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.topup.CheckoutTopUps.CheckoutTopUp;
import java.math.BigDecimal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a top-up through Stripe Checkout: the one path the wallet API and the billing pages share.
 * The top-up is recorded with its quote before Stripe is asked, so only top-ups recorded here are
 * ever credited, and with this quote, whatever the session's webhook says.
 */
public final class CheckoutStarter {

  private static final Logger log = LoggerFactory.getLogger(CheckoutStarter.class);

  /** A started top-up: where to send the owner to pay. */
  public record Started(CheckoutTopUp topUp, TopUpQuote quote, String currency, String url) {}

  private final Accounts accounts;
  private final StripePayments stripe;
  private final CheckoutTopUps checkouts;

  public CheckoutStarter(Accounts accounts, StripePayments stripe, CheckoutTopUps checkouts) {
    this.accounts = accounts;
    this.stripe = stripe;
    this.checkouts = checkouts;
  }

  /**
   * Records a top-up of {@code amount} and creates its Checkout session. A bad amount is a {@code
   * WalletException} (nothing recorded).
   *
   * @param successUrl where Checkout returns the owner after paying, given the top-up's id
   * @param cancelUrl where Checkout returns the owner after cancelling
   */
  public Started start(
      String accountId,
      BigDecimal amount,
      java.util.function.UnaryOperator<String> successUrl,
      String cancelUrl)
      throws StripePayments.CheckoutUnavailableException {
    TopUpQuote quote = BonusTiers.quote(amount);
    AccountView view = accounts.get(accountId);
    String currency = view.wallet().currency();
    CheckoutTopUp topUp = checkouts.start(view.account().id(), quote, currency);
    try {
      var session =
          stripe.createCheckout(
              view.account().id(),
              topUp.id(),
              StripeAmount.from(quote.amount(), currency),
              view.wallet().autoTopUp().stripeCustomerId(),
              successUrl.apply(topUp.id()),
              cancelUrl);
      checkouts.sessionCreated(topUp.id(), session.getKey());
      log.info(
          "checkout started account={} topup={} amount={} {}",
          view.account().id(),
          topUp.id(),
          quote.amount(),
          currency);
      return new Started(topUp, quote, currency, session.getValue());
    } catch (StripePayments.CheckoutUnavailableException e) {
      log.error("checkout not started account={}: {}", view.account().id(), e.getMessage());
      throw e;
    }
  }
}
