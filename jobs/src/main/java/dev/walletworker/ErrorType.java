package dev.walletworker;

/** Why the wallet refused a request. The codes are part of the CLI's and the API's output. */
public enum ErrorType {
  /** A value is malformed or out of range: the caller should fix the input. */
  INVALID_REQUEST("invalid_request"),
  /** An amount is not a positive number of at most {@code Amounts.SCALE} decimals, or too large. */
  INVALID_AMOUNT("invalid_amount"),
  /** A top-up below the minimum self-serve amount. */
  AMOUNT_BELOW_MINIMUM("amount_below_minimum"),
  /** A top-up at or above the self-serve ceiling: handled by sales, not by card. */
  CONTACT_SALES("contact_sales"),
  ACCOUNT_NOT_FOUND("account_not_found"),
  /** The account is blocked and may not spend. */
  ACCOUNT_BLOCKED("account_blocked"),
  /** The debit would take the balance below zero. */
  INSUFFICIENT_FUNDS("insufficient_funds"),
  /** A reference was already used for a different transaction. */
  REFERENCE_CONFLICT("reference_conflict"),
  /** A hold would take month-to-date spend and active holds past a blocking spending limit. */
  SPENDING_LIMIT("spending_limit"),
  HOLD_NOT_FOUND("hold_not_found"),
  /**
   * The hold was settled otherwise: a released hold cannot be captured, a captured one released.
   */
  HOLD_SETTLED("hold_settled");

  private final String code;

  ErrorType(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
