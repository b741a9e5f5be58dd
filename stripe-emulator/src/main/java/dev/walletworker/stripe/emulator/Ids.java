package dev.walletworker.stripe.emulator;

import java.security.SecureRandom;

/** Stripe-like identifiers and timestamps. */
final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private Ids() {}

  /** {@code length} random letters and digits, as after Stripe's {@code pi_}, {@code cs_test_}… */
  static String random(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  /** Unix seconds, as Stripe's {@code created} fields. */
  static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
