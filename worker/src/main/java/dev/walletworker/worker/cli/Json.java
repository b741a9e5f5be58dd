package dev.walletworker.worker.cli;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The CLI's JSON writer: plain decimals (never 1E+2), pretty-printed. */
final class Json {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private Json() {}

  static String write(Object document) {
    return MAPPER.writeValueAsString(document);
  }
}
