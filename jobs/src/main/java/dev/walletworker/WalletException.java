package dev.walletworker;

import java.util.Objects;

/**
 * A request the wallet refuses. Thrown before anything changes, or from inside a transaction that
 * is then rolled back, so a caller that sees it knows the database is as it was.
 */
public class WalletException extends RuntimeException {

  private final ErrorType type;
  private final String param;

  public WalletException(ErrorType type, String message) {
    this(type, message, null);
  }

  public WalletException(ErrorType type, String message, String param) {
    super(message);
    this.type = Objects.requireNonNull(type);
    this.param = param;
  }

  public ErrorType type() {
    return type;
  }

  /** The input the error is about (e.g. {@code amount}), or {@code null}. */
  public String param() {
    return param;
  }
}
