package dev.walletworker;

/** Validation of free text that ends up in emails, logs and headers. */
public final class Texts {

  private Texts() {}

  /**
   * Returns {@code text} stripped, or {@code null} when blank and optional. Refuses control
   * characters (CR/LF would let a value forge log lines or mail headers) and overlong values.
   */
  public static String clean(String text, String param, int maxLength, boolean required) {
    String value = text == null ? null : text.strip();
    if (value == null || value.isEmpty()) {
      if (required) {
        throw new WalletException(ErrorType.INVALID_REQUEST, param + " is required", param);
      }
      return null;
    }
    if (value.length() > maxLength) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          param + " is too long (" + value.length() + " characters, at most " + maxLength + ")",
          param);
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, param + " must not contain control characters", param);
    }
    return value;
  }

  /** A short, printable excerpt of untrusted input for an error message. */
  public static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    String printable = text.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
