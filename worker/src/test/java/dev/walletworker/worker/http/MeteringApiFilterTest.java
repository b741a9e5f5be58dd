package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The route a metering request is timed under: the OpenAPI document's shape, never an id. */
class MeteringApiFilterTest {

  @ParameterizedTest
  @CsvSource({
    "POST, /v1/usage, POST /v1/usage",
    "GET, /v1/usage, GET /v1/usage",
    "POST, /v1/usage/batch, other",
    "POST, /v1/holds, POST /v1/holds",
    "GET, /v1/holds/hold_abc, GET /v1/holds/{hold_id}",
    "POST, /v1/holds/hold_abc/capture, POST /v1/holds/{hold_id}/capture",
    "POST, /v1/holds/hold_abc/release, POST /v1/holds/{hold_id}/release",
    "POST, /v1/holds/hold_abc/refund, other",
    "GET, /v1/accounts/acct_1/balance, GET /v1/accounts/{account_id}/balance",
    "GET, /v1/accounts/acct_1, other",
    "GET, /v1/accounts/acct_1/balance/x, other",
    "DELETE, /v1/holds/hold_abc, other",
  })
  void routesAreTheDocumentsShapes(String method, String path, String route) {
    assertThat(MeteringApiFilter.route(method, path)).isEqualTo(route);
  }
}
