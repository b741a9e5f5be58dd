package dev.walletworker.audit;

import dev.walletworker.ErrorType;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import java.util.Arrays;
import java.util.List;

/** Every ops action the audit log records, with the code stored in {@code audit_log.action}. */
public enum AuditAction {
  ACCOUNT_BLOCK("account.block"),
  ACCOUNT_UNBLOCK("account.unblock"),
  ACCOUNT_SETTINGS("account.settings"),
  API_KEYS_ROTATE("api_keys.rotate"),
  API_KEYS_REVOKE("api_keys.revoke"),
  WALLET_CREDIT("wallet.credit"),
  SERVICE_KEY_CREATE("service_key.create"),
  SERVICE_KEY_REVOKE("service_key.revoke"),
  JOB_TRIGGER("job.trigger"),
  JOB_PAUSE("job.pause"),
  JOB_RESUME("job.resume"),
  MAIL_RETRY("mail.retry"),
  REVIEW_RESOLVE("review.resolve"),
  PRICE_SET("price.set"),
  OPS_USER_ADD("ops_user.add"),
  OPS_USER_REMOVE("ops_user.remove");

  public static final List<String> CODES = Arrays.stream(values()).map(AuditAction::code).toList();

  private final String code;

  AuditAction(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static AuditAction fromCode(String code) {
    for (AuditAction action : values()) {
      if (action.code.equals(code)) {
        return action;
      }
    }
    throw new WalletException(
        ErrorType.INVALID_REQUEST,
        "action must be one of "
            + String.join(", ", CODES)
            + ", got '"
            + Texts.abbreviate(code)
            + "'",
        "action");
  }
}
