package dev.walletworker.worker.billing;

/**
 * A page about something this account does not have: another account's top-up, payment or key is
 * answered exactly as one that does not exist (404), so ids reveal nothing across accounts.
 */
final class NotFound extends RuntimeException {

  NotFound(String message) {
    super(message);
  }
}
