package dev.walletworker;

import java.security.SecureRandom;

/** Public identifiers: a type prefix and random lower-case letters and digits, as Stripe does. */
public final class Ids {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newAccountId() {
    return "acct_" + random(16);
  }

  public static String newTransactionId() {
    return "txn_" + random(24);
  }

  public static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
