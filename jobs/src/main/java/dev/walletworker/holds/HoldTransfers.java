package dev.walletworker.holds;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.UsageDetail;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.Price;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-phase transfers for usage (TigerBeetle's pending → post | void | timeout): a hold reserves a
 * request's worst case before the model is called, its capture posts the actual cost as one usage
 * row and releases the rest, a release or the expiry gives it all back.
 *
 * <p>Each call is one transaction that locks the wallet row first, then the hold (the ledger's
 * order: no deadlock with debits, credits or blocks); a hold and a capture are one statement each,
 * whose function decides and writes, this class checking the input, pricing, wording the refusals
 * and logging. A new hold and plain usage are checked against the available balance (balance −
 * active holds); a capture is never refused, as the usage was served: above its hold it may take
 * the balance below zero, the only way a balance becomes negative.
 */
public final class HoldTransfers {

  private static final Logger log = LoggerFactory.getLogger(HoldTransfers.class);

  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);
  public static final Duration MAX_EXPIRY = Duration.ofDays(1);
  static final int MAX_REQUEST_ID = 255;
  static final long MAX_TOKENS = 999_999_999_999L;

  private final Database db;
  private final Holds holds;
  private final Wallets wallets;
  private final ModelPrices prices;
  private final Clock clock;

  public HoldTransfers(Database db, Holds holds, Wallets wallets, ModelPrices prices, Clock clock) {
    this.db = db;
    this.holds = holds;
    this.wallets = wallets;
    this.prices = prices;
    this.clock = clock;
  }

  /**
   * What a new hold asks for: a model with its most tokens, priced at the version in force now, or
   * a plain amount.
   */
  public record NewHold(
      String requestId,
      String accountId,
      String model,
      Long maxInputTokens,
      Long maxOutputTokens,
      BigDecimal amount,
      Duration expiresIn) {}

  /** A hold made (or found again by its request id: {@code replay}). */
  public record Created(Hold hold, boolean replay, BigDecimal available, BigDecimal held) {}

  /** What a request actually used: its tokens, or an amount. */
  public record Actual(
      Long inputTokens, Long outputTokens, Long cachedInputTokens, BigDecimal amount) {}

  /**
   * A captured hold. {@code transactionId} and {@code balanceAfter} are those of its usage row;
   * both null for a capture of nothing.
   */
  public record Captured(
      Hold hold,
      BigDecimal amount,
      String transactionId,
      BigDecimal balanceAfter,
      boolean replay) {}

  /**
   * Reserves the request's worst case. The same request id for the account again, with the same
   * amount or model and most tokens, returns that hold, whatever it became; with another, it is
   * refused ({@code reference_conflict}). Refused, holding nothing: {@code account_not_found},
   * {@code account_blocked}, {@code insufficient_funds} (the available balance is below the
   * amount), {@code spending_limit} (month-to-date spend + active holds + this hold would pass a
   * blocking limit), {@code invalid_request}.
   */
  public Created hold(NewHold request) {
    String requestId = Texts.clean(request.requestId(), "id", MAX_REQUEST_ID, true);
    String accountId = Texts.clean(request.accountId(), "account_id", MAX_REQUEST_ID, true);
    Duration expiresIn = request.expiresIn() == null ? DEFAULT_EXPIRY : request.expiresIn();
    if (expiresIn.compareTo(Duration.ofSeconds(1)) < 0 || expiresIn.compareTo(MAX_EXPIRY) > 0) {
      throw invalid(
          "expires_in must be between 1 and " + MAX_EXPIRY.toSeconds() + " seconds", "expires_in");
    }
    boolean priced = request.model() != null;
    if (priced == (request.amount() != null)) {
      throw invalid(
          "send either model with max_input_tokens and max_output_tokens, or amount", "amount");
    }
    if (priced) {
      tokens(request.maxInputTokens(), "max_input_tokens", true);
      tokens(request.maxOutputTokens(), "max_output_tokens", true);
    } else {
      if (request.maxInputTokens() != null || request.maxOutputTokens() != null) {
        throw invalid("max_input_tokens and max_output_tokens go with model", "max_input_tokens");
      }
      Amounts.requirePositive(Amounts.checkRange(request.amount(), "amount"), "amount");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Price price = null;
    BigDecimal amount = request.amount();
    if (priced) {
      price = prices.list(request.model(), now).stream().findFirst().orElse(null);
      amount =
          price == null
              ? BigDecimal.ZERO
              : price.cost(request.maxInputTokens(), request.maxOutputTokens(), 0);
      if (amount.signum() == 0) {
        // A retry of a hold made before the model's price changed is still answered with it.
        Optional<Created> earlier = replayOf(accountId, requestId, request);
        if (earlier.isPresent()) {
          return earlier.get();
        }
        throw price == null
            ? invalid(
                "unknown model "
                    + Texts.abbreviate(request.model())
                    + ": no price is in force for it",
                "model")
            : invalid(
                "the worst case costs 0.00 at price " + price.id() + ": nothing to hold",
                "max_output_tokens");
      }
    }
    Hold asked =
        new Hold(
            Holds.newId(),
            accountId,
            requestId,
            HoldStatus.HELD,
            amount,
            price == null ? null : price.model(),
            price == null ? null : price.id(),
            priced ? request.maxInputTokens() : null,
            priced ? request.maxOutputTokens() : null,
            now,
            now.plus(expiresIn),
            null,
            null,
            null,
            null);
    Holds.Creation made = holds.create(asked, month(now));
    switch (made.outcome()) {
      case "held" -> {
        Hold hold = made.hold();
        log.info(
            "hold created account={} hold={} amount={} expires_at={}",
            accountId,
            hold.id(),
            Amounts.format(amount),
            hold.expiresAt());
        return new Created(
            hold,
            false,
            made.balance().subtract(made.held()).subtract(amount),
            made.held().add(amount));
      }
      case "replay" -> {
        refuseIfAnother(made.hold(), request);
        return new Created(made.hold(), true, made.balance().subtract(made.held()), made.held());
      }
      default -> throw refusal(made, accountId, amount);
    }
  }

  /**
   * The hold made earlier for this request id, answered as {@code create_hold} answers a replay;
   * for a request that cannot be priced now (read without the wallet's lock: a hold is never
   * deleted).
   */
  private Optional<Created> replayOf(String accountId, String requestId, NewHold request) {
    return holds
        .findByRequest(accountId, requestId)
        .map(
            hold -> {
              refuseIfAnother(hold, request);
              var balances = wallets.balances(accountId).orElseThrow();
              return new Created(
                  hold,
                  true,
                  (BigDecimal) balances.get("available"),
                  (BigDecimal) balances.get("held"));
            });
  }

  /** The words of {@code create_hold}'s refusal, from the wallet as it decided. */
  private static WalletException refusal(Holds.Creation made, String accountId, BigDecimal amount) {
    return switch (made.outcome()) {
      case "account_not_found" ->
          new WalletException(
              ErrorType.ACCOUNT_NOT_FOUND,
              "No account " + Texts.abbreviate(accountId),
              "account_id");
      case "account_blocked" ->
          new WalletException(
              ErrorType.ACCOUNT_BLOCKED,
              "Account "
                  + accountId
                  + " is blocked ("
                  + made.blockedReason()
                  + "): nothing can be held",
              "account_id");
      case "insufficient_funds" ->
          new WalletException(
              ErrorType.INSUFFICIENT_FUNDS,
              "Insufficient funds: available balance is "
                  + Amounts.format(made.balance().subtract(made.held()))
                  + " (balance "
                  + Amounts.format(made.balance())
                  + ", held "
                  + Amounts.format(made.held())
                  + "), the hold is "
                  + Amounts.format(amount),
              "amount");
      case "spending_limit" ->
          new WalletException(
              ErrorType.SPENDING_LIMIT,
              "The monthly spending limit of "
                  + Amounts.format(made.blockingLimit())
                  + " "
                  + made.currency()
                  + " would be passed: spent this month "
                  + Amounts.format(made.monthSpend())
                  + ", held "
                  + Amounts.format(made.held())
                  + ", the hold is "
                  + Amounts.format(amount),
              "amount");
      default -> throw new IllegalStateException("create_hold answered " + made.outcome());
    };
  }

  /**
   * Captures the hold for what the request actually used: one usage row priced at the hold's price
   * version (tokens) or of the amount, the rest released. Never refused for money: above the hold,
   * and even above the available balance, it posts (the usage was served). A hold that expired
   * still posts (a late settlement); a released one is refused ({@code hold_settled}). Capturing
   * again returns the first result.
   *
   * @param accountId the account the caller means, or null; a hold of another account is not found
   */
  public Captured capture(String holdId, String accountId, Actual actual) {
    Hold found = find(holdId, accountId);
    boolean tokens =
        actual.inputTokens() != null
            || actual.outputTokens() != null
            || actual.cachedInputTokens() != null;
    if (tokens == (actual.amount() != null)) {
      throw invalid("send either input_tokens and output_tokens, or amount", "amount");
    }
    BigDecimal cost;
    UsageDetail detail = null;
    if (tokens) {
      if (found.priceId() == null) {
        throw invalid(
            "hold " + found.id() + " was made for an amount, not a model: capture it with amount",
            "input_tokens");
      }
      long in = tokens(actual.inputTokens(), "input_tokens", true);
      long out = tokens(actual.outputTokens(), "output_tokens", true);
      long cached = tokens(actual.cachedInputTokens(), "cached_input_tokens", false);
      Price price = prices.find(found.priceId()).orElseThrow();
      cost = price.cost(in, out, cached);
      detail = new UsageDetail(found.model(), in, out, cached, price.id());
    } else {
      cost = Amounts.requireNonNegative(Amounts.checkRange(actual.amount(), "amount"), "amount");
    }
    String description = found.model() == null ? "API usage" : "API usage - " + found.model();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Holds.Capture done =
        holds.capture(
            found.id(),
            found.accountId(),
            cost,
            Ids.newTransactionId(),
            description,
            detail,
            now,
            month(now));
    Hold hold = done.hold();
    switch (done.outcome()) {
      case "captured" -> {
        log.info(
            "hold captured account={} hold={} amount={} held={} txn={}{}",
            hold.accountId(),
            hold.id(),
            Amounts.format(cost),
            Amounts.format(hold.amount()),
            hold.transactionId(),
            hold.expiredAt() != null ? " late=true" : "");
        return new Captured(hold, cost, hold.transactionId(), done.balanceAfter(), false);
      }
      case "replay" -> {
        return new Captured(
            hold, hold.capturedAmount(), hold.transactionId(), done.balanceAfter(), true);
      }
      case "released" ->
          throw new WalletException(
              ErrorType.HOLD_SETTLED,
              "Hold " + hold.id() + " was released: it can no longer be captured",
              "hold_id");
      default -> throw new IllegalStateException("capture_hold answered " + done.outcome());
    }
  }

  /**
   * Releases the hold: nothing is posted, its amount is available again. An expired hold becomes
   * released (keeping its {@code expired_at}), so that no late capture posts; releasing again
   * changes nothing; a captured hold is refused ({@code hold_settled}).
   */
  public Hold release(String holdId, String accountId) {
    Hold found = find(holdId, accountId);
    return db.inTransaction(
        () -> {
          wallets.lockForUpdate(found.accountId());
          Hold hold = holds.lock(holdId).orElseThrow();
          if (hold.status() == HoldStatus.CAPTURED) {
            throw new WalletException(
                ErrorType.HOLD_SETTLED,
                "Hold " + hold.id() + " was captured: it can no longer be released",
                "hold_id");
          }
          if (hold.status() == HoldStatus.RELEASED) {
            return hold;
          }
          Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
          // An expired hold is released too, not left expired: the client said it will not
          // capture, so a capture after this is refused like any capture after a release (left
          // expired, a late capture would still post). Its expiry already gave its amount back.
          boolean expired = hold.status() == HoldStatus.EXPIRED;
          holds.settle(hold.id(), HoldStatus.RELEASED, now);
          if (!expired) {
            wallets.changeHeld(hold.accountId(), hold.amount().negate(), now);
          }
          log.info(
              "hold released account={} hold={} amount={}{}",
              hold.accountId(),
              hold.id(),
              Amounts.format(hold.amount()),
              expired ? " expired=true" : "");
          return holds.find(hold.id()).orElseThrow();
        });
  }

  /** The hold; of {@code accountId} if given. */
  public Hold get(String holdId, String accountId) {
    return find(holdId, accountId);
  }

  /**
   * Expires up to {@code limit} holds past their {@code expires_at}, each in its own transaction (a
   * crash loses at most the one in flight, which stays held and is expired by the next run).
   *
   * @return how many were expired
   */
  public int expireDue(int limit) {
    return expirePass(limit, new HashSet<>()).expired();
  }

  /**
   * One run of the expiry job: passes of up to {@code chunkSize} holds until none is due, or until
   * {@code stopRequested} says the job is asked to stop (checked between passes, so that a shutdown
   * drains after the pass in flight). A hold whose expiry fails is logged and skipped for the rest
   * of the run; the next run tries it again.
   *
   * @return how many were expired
   */
  int expireAll(int chunkSize, BooleanSupplier stopRequested) {
    Set<String> skipped = new HashSet<>();
    int total = 0;
    for (Pass pass = expirePass(chunkSize, skipped);
        pass.read() > 0;
        pass = expirePass(chunkSize, skipped)) {
      total += pass.expired();
      if (stopRequested.getAsBoolean()) {
        log.info("hold expiry stopped on request expired={}", total);
        break;
      }
    }
    if (!skipped.isEmpty()) {
      log.warn("hold expiry skipped holds={} (left held for the next run)", skipped.size());
    }
    return total;
  }

  /** What one pass read (due holds, not skipped) and how many of them it expired. */
  private record Pass(int read, int expired) {}

  private Pass expirePass(int limit, Set<String> skipped) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Hold> due = holds.due(now, limit, skipped);
    int expired = 0;
    for (Hold candidate : due) {
      try {
        if (db.inTransaction(() -> expire(candidate, now))) {
          expired++;
        }
      } catch (RuntimeException e) {
        // One hold that cannot be expired (a broken row, a constraint) must not stop the others:
        // it would be read first by every pass and the job would fail before reaching them, on
        // every run. It stays held (its transaction rolled back) and is skipped for this run.
        skipped.add(candidate.id());
        log.error(
            "hold expiry failed account={} hold={}: skipped until the next run",
            candidate.accountId(),
            candidate.id(),
            e);
      }
    }
    return new Pass(due.size(), expired);
  }

  private boolean expire(Hold candidate, Instant now) {
    wallets.lockForUpdate(candidate.accountId());
    Hold hold = holds.lock(candidate.id()).orElseThrow();
    // Captured or released since it was read: nothing to do.
    if (hold.status() != HoldStatus.HELD || hold.expiresAt().isAfter(now)) {
      return false;
    }
    holds.settle(hold.id(), HoldStatus.EXPIRED, now);
    wallets.changeHeld(hold.accountId(), hold.amount().negate(), now);
    log.info(
        "hold expired account={} hold={} amount={}",
        hold.accountId(),
        hold.id(),
        Amounts.format(hold.amount()));
    return true;
  }

  /**
   * Refuses a request id reused for another hold: the same amount, or the same model and most
   * tokens, is a retry (answered with the earlier hold, whatever it became); another body under the
   * same id is refused ({@code reference_conflict}, as {@code /v1/usage} refuses an id reused for
   * another amount): answering the old hold would let the caller believe its new worst case is
   * reserved.
   */
  private static void refuseIfAnother(Hold hold, NewHold request) {
    boolean same =
        request.model() == null
            ? hold.model() == null && hold.amount().compareTo(request.amount()) == 0
            : Texts.clean(request.model(), "model", 100, true).equals(hold.model())
                && request.maxInputTokens().equals(hold.maxInputTokens())
                && request.maxOutputTokens().equals(hold.maxOutputTokens());
    if (!same) {
      throw new WalletException(
          ErrorType.REFERENCE_CONFLICT,
          "id "
              + Texts.abbreviate(hold.requestId())
              + " was already used for hold "
              + hold.id()
              + " ("
              + (hold.model() == null
                  ? Amounts.format(hold.amount())
                  : hold.model()
                      + ", max_input_tokens "
                      + hold.maxInputTokens()
                      + ", max_output_tokens "
                      + hold.maxOutputTokens())
              + "): a different hold needs a new id",
          "id");
    }
  }

  private Hold find(String holdId, String accountId) {
    return Optional.ofNullable(holdId)
        .filter(id -> id.length() <= MAX_REQUEST_ID)
        .flatMap(holds::find)
        .filter(h -> accountId == null || h.accountId().equals(accountId))
        .orElseThrow(
            () ->
                new WalletException(
                    ErrorType.HOLD_NOT_FOUND,
                    "No hold "
                        + Texts.abbreviate(String.valueOf(holdId))
                        + (accountId == null ? "" : " for account " + Texts.abbreviate(accountId)),
                    "hold_id"));
  }

  private LocalDate month(Instant at) {
    return YearMonth.from(at.atZone(clock.getZone())).atDay(1);
  }

  private static long tokens(Long value, String field, boolean required) {
    if (value == null) {
      if (required) {
        throw invalid(field + " is required", field);
      }
      return 0;
    }
    if (value < 0) {
      throw invalid(field + " must not be negative", field);
    }
    if (value > MAX_TOKENS) {
      throw invalid(field + " must be below 1000000000000", field);
    }
    return value;
  }

  private static WalletException invalid(String message, String param) {
    return new WalletException(ErrorType.INVALID_REQUEST, message, param);
  }
}
