package dev.walletworker.worker.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An {@code on|off} switch. Not a {@code Boolean}: picocli treats boolean options as flags and
 * would never hand "on" to a converter.
 */
enum Toggle {
  ON,
  OFF;

  static Boolean value(Toggle toggle) {
    return toggle == null ? null : toggle == ON;
  }

  static final class Converter implements ITypeConverter<Toggle> {
    @Override
    public Toggle convert(String value) {
      return switch (value) {
        case "on" -> ON;
        case "off" -> OFF;
        default -> throw new TypeConversionException("expected on or off, got '" + value + "'");
      };
    }
  }
}
