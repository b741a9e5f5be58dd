package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.SpendingLimitAction;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "accounts",
    description = "Create, inspect and configure accounts.",
    mixinStandardHelpOptions = true)
final class AccountsCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an account and its wallet, and print its API key (shown once).")
  static final class Create extends DatabaseCommand {
    @Option(names = "--email", required = true, description = "The owner's email address.")
    String email;

    @Option(names = "--name", description = "The display name used in emails.")
    String name;

    @Option(names = "--currency", description = "The wallet's currency (ISO 4217; default USD).")
    String currency;

    Create(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      return context -> {
        AccountView view = context.accounts().create(email, name, currency);
        String key = context.apiKeys().issue(view.account().id());
        java.util.Map<String, Object> json = Views.account(view);
        json.put("api_key", key);
        return new Output(
            json,
            "created "
                + Views.accountText(view)
                + "\n  api key            "
                + key
                + "\n  (shown once: it is stored only as a hash)");
      };
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show the account's status, balance, currency and every setting.")
  static final class Show extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    Show(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      return context -> {
        AccountView view = context.accounts().get(id);
        return new Output(Views.account(view), Views.accountText(view));
      };
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Change the wallet's settings.",
        "All the given changes apply together, or none does; switching a feature on needs its"
            + " values, given in the same call or before."
      })
  static final class Set extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--auto-topup",
        paramLabel = "on|off",
        converter = Toggle.Converter.class,
        description = "Switch auto top-up on (needs a threshold and an amount) or off.")
    Toggle autoTopUp;

    @Option(
        names = "--topup-threshold",
        paramLabel = "X",
        description = "Top up when the balance falls below X.")
    String topUpThreshold;

    @Option(
        names = "--topup-amount",
        paramLabel = "Y",
        description = "Charge Y per top-up (10.00 to 499.99).")
    String topUpAmount;

    @Option(
        names = "--stripe-customer",
        paramLabel = "cus_…",
        description = "The Stripe customer that owns the card.")
    String stripeCustomer;

    @Option(
        names = "--payment-method",
        paramLabel = "pm_…",
        description = "The saved card that auto top-up charges.")
    String paymentMethod;

    @Option(
        names = "--alert",
        paramLabel = "on|off",
        converter = Toggle.Converter.class,
        description = "Switch the low-balance alert on (needs a threshold) or off.")
    Toggle alert;

    @Option(
        names = "--alert-threshold",
        paramLabel = "X",
        description = "Email the owner when the balance falls below X.")
    String alertThreshold;

    @Option(
        names = "--limit",
        paramLabel = "on|off",
        converter = Toggle.Converter.class,
        description = "Switch the monthly spending limit on (needs a monthly limit) or off.")
    Toggle limit;

    @Option(
        names = "--monthly-limit",
        paramLabel = "X",
        description = "The usage allowed per calendar month.")
    String monthlyLimit;

    @Option(
        names = "--limit-action",
        paramLabel = "block|alert",
        description = "At the limit, block usage or only alert the owner.")
    String limitAction;

    @Mixin OperatorOption operator;

    Set(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      SettingsChange change =
          new SettingsChange()
              .autoTopUpEnabled(Toggle.value(autoTopUp))
              .autoTopUpThreshold(amount(topUpThreshold, "auto_topup.threshold"))
              .autoTopUpAmount(amount(topUpAmount, "auto_topup.amount"))
              .stripeCustomerId(stripeCustomer)
              .paymentMethodId(paymentMethod)
              .alertEnabled(Toggle.value(alert))
              .alertThreshold(amount(alertThreshold, "low_balance_alert.threshold"))
              .limitEnabled(Toggle.value(limit))
              .monthlyLimit(amount(monthlyLimit, "spending_limit.monthly_limit"))
              .limitAction(limitAction == null ? null : SpendingLimitAction.fromCode(limitAction));
      if (change.isEmpty()) {
        throw usage("nothing to change: give at least one setting option");
      }
      String who = operator.name();
      return context ->
          context.audited(
              () -> {
                context.lockAccount(id);
                AccountView before = context.accounts().get(id);
                AccountView view = context.accounts().updateSettings(id, change);
                context
                    .auditLog()
                    .record(
                        new AuditLog.Change(
                            who,
                            AuditAction.ACCOUNT_SETTINGS,
                            "account",
                            id,
                            id,
                            null,
                            Views.settings(before),
                            Views.settings(view),
                            null));
                return new Output(Views.account(view), Views.accountText(view));
              });
    }

    /* Errors name the API's field (see Params), as the API does for the same mistake. */
    private static java.math.BigDecimal amount(String text, String param) {
      return text == null ? null : Amounts.parse(text, param);
    }
  }

  @Command(
      name = "block",
      mixinStandardHelpOptions = true,
      description =
          "Block the account for a reason of ops' own: its usage is refused until unblock lifts"
              + " the block.")
  static final class Block extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "R",
        description = "Why, in a few words; accounts show reports it.")
    String reason;

    @Mixin OperatorOption operator;

    Block(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> statusChange(context, who, id, AuditAction.ACCOUNT_BLOCK, reason);
    }
  }

  @Command(
      name = "unblock",
      mixinStandardHelpOptions = true,
      description = "Lift any block of the account, an ops block or a spending-limit block.")
  static final class Unblock extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "R",
        description = "Why, in a few words, for the audit log.")
    String reason;

    @Mixin OperatorOption operator;

    Unblock(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> statusChange(context, who, id, AuditAction.ACCOUNT_UNBLOCK, reason);
    }
  }

  /** A block or an unblock, with its audit row, in one transaction (as the console does it). */
  private static Output statusChange(
      CliContext context, String operator, String id, AuditAction action, String reason) {
    AccountView view =
        action == AuditAction.ACCOUNT_BLOCK
            ? context.opsActions().block(operator, id, reason)
            : context.opsActions().unblock(operator, id, reason);
    return new Output(Views.account(view), Views.accountText(view));
  }

  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "Rotate or revoke the account's API keys.")
  static final class Keys {

    @Command(
        name = "rotate",
        mixinStandardHelpOptions = true,
        description = "Revoke every key of the account and issue a new one (shown once).")
    static final class Rotate extends DatabaseCommand {
      @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
      String id;

      @Mixin OperatorOption operator;

      Rotate(CliEnvironment env) {
        super(env);
      }

      @Override
      Action prepare() {
        String who = operator.name();
        return context ->
            context.audited(
                () -> {
                  String key = context.apiKeys().rotate(id);
                  keysAudit(context, who, AuditAction.API_KEYS_ROTATE, id, null);
                  return new Output(
                      java.util.Map.of("id", id, "api_key", key),
                      "new api key for "
                          + id
                          + ": "
                          + key
                          + "\n(shown once; the old keys no longer work)");
                });
      }
    }

    @Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = "Revoke every key of the account.")
    static final class Revoke extends DatabaseCommand {
      @Parameters(index = "0", paramLabel = "ID", description = "Account id (acct_…).")
      String id;

      @Mixin OperatorOption operator;

      Revoke(CliEnvironment env) {
        super(env);
      }

      @Override
      Action prepare() {
        String who = operator.name();
        return context ->
            context.audited(
                () -> {
                  int revoked = context.apiKeys().revoke(id);
                  keysAudit(
                      context,
                      who,
                      AuditAction.API_KEYS_REVOKE,
                      id,
                      java.util.Map.of("keys_revoked", revoked));
                  return new Output(
                      java.util.Map.of("id", id, "revoked", revoked),
                      revoked + " api key(s) of " + id + " revoked");
                });
      }
    }

    /* No key, nor a prefix of one, goes in the log: only that the keys changed. */
    private static void keysAudit(
        CliContext context,
        String operator,
        AuditAction action,
        String id,
        java.util.Map<String, ?> after) {
      context
          .auditLog()
          .record(
              new AuditLog.Change(operator, action, "account", id, id, null, null, after, null));
    }
  }
}
