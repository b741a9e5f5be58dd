package dev.walletworker.metering;

import dev.walletworker.Amounts;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.UsageDebit;
import dev.walletworker.ledger.UsageDetail;
import dev.walletworker.ledger.UsageOutcome;
import dev.walletworker.metering.ModelPrices.PriceBook;
import dev.walletworker.metering.UsageResult.Status;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prices a group of usage events and debits them, in one transaction: the prices of the group's
 * models are read once, each event is priced by the version in force at its timestamp, and the
 * ledger posts the group ({@link Ledger#postUsage}). Every event gets its own result; one event's
 * refusal never fails the others.
 */
public final class UsageRecorder {

  /** How far ahead of the clock an event's timestamp may be (clock skew between hosts). */
  public static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  /** How far back an event's timestamp may be (a late event still lands in last month). */
  public static final Duration MAX_BACK = Duration.ofDays(35);

  private final Database db;
  private final ModelPrices prices;
  private final Ledger ledger;
  private final Clock clock;

  public UsageRecorder(Database db, ModelPrices prices, Ledger ledger, Clock clock) {
    this.db = db;
    this.prices = prices;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Records the events, in order; a result for each. */
  public List<UsageResult> record(List<UsageEvent> events) {
    return db.inTransaction(
        () -> {
          PriceBook book =
              prices.book(
                  events.stream()
                      .filter(UsageEvent::priced)
                      .map(UsageEvent::model)
                      .distinct()
                      .toList());
          UsageResult[] results = new UsageResult[events.size()];
          List<UsageDebit> debits = new ArrayList<>();
          List<Integer> positions = new ArrayList<>();
          for (int i = 0; i < events.size(); i++) {
            UsageEvent event = events.get(i);
            Optional<UsageResult> invalid = check(event);
            if (invalid.isPresent()) {
              results[i] = invalid.get();
              continue;
            }
            Object priced = debit(event, book);
            if (priced instanceof UsageResult refused) {
              results[i] = refused;
            } else {
              debits.add((UsageDebit) priced);
              positions.add(i);
            }
          }
          List<UsageOutcome> outcomes = ledger.postUsage(debits);
          for (int k = 0; k < outcomes.size(); k++) {
            int i = positions.get(k);
            results[i] = result(events.get(i).id(), outcomes.get(k));
          }
          return List.of(results);
        });
  }

  /** A timestamp too far ahead or back. */
  private Optional<UsageResult> check(UsageEvent event) {
    Instant now = clock.instant();
    if (event.timestamp().isAfter(now.plus(MAX_AHEAD))) {
      return Optional.of(
          invalid(
              event,
              "timestamp is more than 5 minutes ahead of the server's clock ("
                  + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                  + ")",
              "timestamp"));
    }
    if (event.timestamp().isBefore(now.minus(MAX_BACK))) {
      return Optional.of(invalid(event, "timestamp is more than 35 days in the past", "timestamp"));
    }
    return Optional.empty();
  }

  /** The event as a debit, or the result that refuses it. */
  private Object debit(UsageEvent event, PriceBook book) {
    if (!event.priced()) {
      String description = event.description() == null ? "API usage" : event.description();
      return new UsageDebit(
          event.accountId(), event.id(), event.amount(), description, null, event.timestamp());
    }
    Optional<Price> price = book.at(event.model(), event.timestamp());
    if (price.isEmpty()) {
      return book.knows(event.model())
          ? invalid(
              event,
              "model " + event.model() + " has no price in force at " + event.timestamp(),
              "timestamp")
          : invalid(event, "unknown model " + event.model() + ": no price is set for it", "model");
    }
    BigDecimal cost =
        price.get().cost(event.inputTokens(), event.outputTokens(), event.cachedInputTokens());
    if (cost.signum() == 0) {
      return invalid(
          event,
          "the event costs 0.00 at price "
              + price.get().id()
              + " (no tokens, or a free model): nothing to post",
          "input_tokens");
    }
    return new UsageDebit(
        event.accountId(),
        event.id(),
        cost,
        "API usage - " + event.model(),
        new UsageDetail(
            event.model(),
            event.inputTokens(),
            event.outputTokens(),
            event.cachedInputTokens(),
            price.get().id()),
        event.timestamp());
  }

  private static UsageResult result(String id, UsageOutcome outcome) {
    if (outcome instanceof UsageOutcome.Posted posted) {
      return UsageResult.posted(id, posted.row());
    }
    if (outcome instanceof UsageOutcome.Replayed replayed) {
      return UsageResult.duplicate(id, replayed.row());
    }
    UsageOutcome.Refused refused = (UsageOutcome.Refused) outcome;
    Status status =
        switch (refused.type()) {
          case ACCOUNT_NOT_FOUND -> Status.ACCOUNT_NOT_FOUND;
          case ACCOUNT_BLOCKED -> Status.ACCOUNT_BLOCKED;
          case INSUFFICIENT_FUNDS -> Status.INSUFFICIENT_FUNDS;
          default -> Status.INVALID;
        };
    String param =
        switch (refused.type()) {
          case ACCOUNT_NOT_FOUND -> "account_id";
          case REFERENCE_CONFLICT -> "id";
          default -> refused.param();
        };
    return UsageResult.refused(id, status, refused.type().code(), refused.message(), param);
  }

  private static UsageResult invalid(UsageEvent event, String message, String param) {
    return UsageResult.refused(event.id(), Status.INVALID, "invalid_request", message, param);
  }

  static String money(BigDecimal amount) {
    return Amounts.format(amount);
  }
}
