package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionPage;
import dev.walletworker.ledger.TransactionType;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "wallet",
    description = "Debit usage, credit, and read a wallet's history.",
    mixinStandardHelpOptions = true)
final class WalletCommand {

  @Command(
      name = "usage",
      mixinStandardHelpOptions = true,
      description = "Debit API usage from the wallet.")
  static final class Usage extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--amount",
        required = true,
        paramLabel = "X",
        description = "The amount to debit, with up to 6 decimals (e.g. 0.0004).")
    String amount;

    @Option(
        names = "--description",
        paramLabel = "D",
        description = "What the transaction shows (default: API usage).")
    String description;

    @Option(
        names = "--request-id",
        paramLabel = "R",
        description = "Idempotency key: the same R debits once.")
    String requestId;

    Usage(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      BigDecimal value = Amounts.requirePositive(Amounts.parse(amount, "amount"), "amount");
      return context -> {
        Posting posting = context.ledger().debitUsage(id, value, description, requestId);
        return new Output(Views.posting(posting), Views.postingText(posting));
      };
    }
  }

  @Command(
      name = "credit",
      mixinStandardHelpOptions = true,
      description = "Credit the wallet; a top-up earns its bonus tier.")
  static final class Credit extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--amount",
        required = true,
        paramLabel = "X",
        description = "The amount to credit, with up to 6 decimals.")
    String amount;

    @Option(
        names = "--type",
        required = true,
        paramLabel = "topup|bonus|refund",
        description = "A top-up (earns its bonus tier), a bonus, or a refund.")
    String type;

    @Option(
        names = "--description",
        paramLabel = "D",
        description =
            "What the transaction shows (default: Credit top-up, Bonus credit or Refund).")
    String description;

    @Option(
        names = "--reference",
        paramLabel = "R",
        description = "Idempotency key: the same R credits once.")
    String reference;

    @Option(
        names = "--reason",
        paramLabel = "R",
        description = "Why, in a few words, for the audit log (such as the refund request).")
    String reason;

    @Option(
        names = "--refers-to",
        paramLabel = "TXN",
        description = "The transaction a refund or a bonus is for, for the audit log.")
    String refersTo;

    @Mixin OperatorOption operator;

    Credit(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      BigDecimal value = Amounts.requirePositive(Amounts.parse(amount, "amount"), "amount");
      TransactionType kind = TransactionType.fromCode(type);
      String who = operator.name();
      String refers =
          dev.walletworker.Texts.clean(
              refersTo, "refers_to", dev.walletworker.ops.OpsActions.MAX_REFERS_TO, false);
      return context -> {
        Posting posting =
            context
                .opsActions()
                .credit(who, id, value, kind, description, reference, reason, refers);
        return new Output(Views.posting(posting), Views.postingText(posting));
      };
    }
  }

  @Command(
      name = "transactions",
      mixinStandardHelpOptions = true,
      description = "List the wallet's transactions, newest first.")
  static final class Transactions extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "How many transactions, 1 to 100 (default 20).")
    int limit;

    @Option(
        names = "--starting-after",
        paramLabel = "TXN",
        description = "Continue after this transaction id.")
    String startingAfter;

    Transactions(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkLimit(limit, Ledger.MAX_PAGE);
      return context -> {
        TransactionPage page = context.ledger().history(id, limit, startingAfter);
        return new Output(Views.page(page), Views.pageText(page));
      };
    }
  }
}
