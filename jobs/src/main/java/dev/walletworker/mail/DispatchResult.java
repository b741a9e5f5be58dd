package dev.walletworker.mail;

/**
 * What one batch of the dispatcher did.
 *
 * @param claimed messages taken from the outbox
 * @param sent accepted by the SMTP server
 * @param retrying failed this time, to be tried again after a back-off
 * @param failed given up on: rejected outright, or out of attempts
 * @param serverDown the SMTP server could not be reached at all
 */
public record DispatchResult(int claimed, int sent, int retrying, int failed, boolean serverDown) {}
