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

  /**
   * {@code length} characters of the alphabet, each equally likely. The bytes come from one call to
   * the generator per id (a call per character made id generation a tenth of the metering writer's
   * CPU: each call takes the generator's lock); bytes of 252 and above are dropped, so that every
   * character keeps a chance of 7 in 252.
   */
  public static String random(int length) {
    char[] out = new char[length];
    byte[] bytes = new byte[length + length / 8 + 4];
    int filled = 0;
    while (filled < length) {
      RANDOM.nextBytes(bytes);
      for (int i = 0; i < bytes.length && filled < length; i++) {
        int b = bytes[i] & 0xff;
        if (b < 252) {
          out[filled++] = ALPHABET[b % ALPHABET.length];
        }
      }
    }
    return new String(out);
  }
}
