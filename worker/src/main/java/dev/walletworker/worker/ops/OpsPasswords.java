package dev.walletworker.worker.ops;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Console passwords: made, checked and hashed the one way the CLI and the sign-in agree on. */
public final class OpsPasswords {

  public static final int MIN_LENGTH = 12;
  private static final int MAX_LENGTH = 72;
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpsPasswords() {}

  /**
   * Spring Security's standard encoder: bcrypt today, with the algorithm's id in the stored hash so
   * that a later default can verify the old hashes.
   */
  public static PasswordEncoder encoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  /** 24 random URL-safe characters (144 bits). */
  public static String generate() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Refuses a password shorter than {@value #MIN_LENGTH} characters, or longer than bcrypt reads
   * (72 bytes: the rest would be ignored), or with control characters. The message never repeats
   * the password.
   */
  public static String check(String password) {
    String value = password == null ? "" : password;
    if (value.length() < MIN_LENGTH) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "password must be at least " + MIN_LENGTH + " characters",
          "password");
    }
    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "password must be at most " + MAX_LENGTH + " bytes (bcrypt ignores the rest)",
          "password");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "password must not contain control characters", "password");
    }
    return value;
  }
}
