package dev.walletworker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How issued keys are stored: as the hex SHA-256 of the key. The keys are 238 random bits, so a
 * fast hash is safe, and every request is checked with one index lookup.
 */
public final class KeyHashes {

  private KeyHashes() {}

  public static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
