package dev.walletworker.worker.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the API's OpenAPI 3.1 description ({@code openapi.json} in the jar, written by hand and
 * kept true by {@code OpenApiIntegrationTest}), without a key.
 */
@RestController
class OpenApiController {

  private final String document;

  OpenApiController() {
    try (InputStream in = OpenApiController.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GetMapping("/v1/openapi.json")
  ResponseEntity<String> document() {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(document, headers, org.springframework.http.HttpStatus.OK);
  }
}
